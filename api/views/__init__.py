"""The API's endpoints, one module per area. Reads are declarative viewsets over the apps' own
querysets and FilterSets; each write validates an input serializer and calls the app's service with
the request's Actor, so the service's role check guards it whatever the view does. Every query
budget is pinned in tests/api/test_query_counts.py."""
