"""The REST API (/api/v1/) and the machine tokens it accepts.

It sits above every domain app: reads are declarative viewsets over the apps' own querysets and
FilterSets, writes validate an input serializer and call the same services as the console and the
CLI, with the same Actor, so a role the services refuse is refused here too. Nothing imports this
app but ``mltrack_site`` (URLs, the CLI's ``token`` verb). See docs/api.md.
"""
