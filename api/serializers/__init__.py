"""What the API reads and writes, one module per area.

Output serializers describe rows; input serializers check the shape of a request (types, choices,
no unknown fields) before a service checks the rules. Serializers decide nothing else: a rule
lives in the service it guards. Shapes the engine or the portfolio already build as dicts
(compliance, dashboard, verification) are described here for the OpenAPI schema only.
"""
