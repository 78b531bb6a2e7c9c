"""Reports made in the background: a request, and the job that follows it to a file with its SHA-256."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.base import InputSerializer
from inventory.models import Environment, RiskTier, Status
from reports.data import KINDS
from reports.formats import MEDIA_TYPES
from reports.models import ReportJob


class ReportFiltersSerializer(InputSerializer):
    """The inventory filters a report takes (those of the console's report page)."""

    risk_tier = serializers.ChoiceField(choices=RiskTier.choices, required=False, allow_blank=True)
    vendor = serializers.CharField(max_length=100, required=False, allow_blank=True)
    deployment_environment = serializers.ChoiceField(choices=Environment.choices, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Status.choices, required=False, allow_blank=True)
    business_line = serializers.CharField(max_length=100, required=False, allow_blank=True)
    q = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text="Search text.")


class ReportRequestSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=list(KINDS))
    format = serializers.ChoiceField(choices=sorted(MEDIA_TYPES))
    filters = ReportFiltersSerializer(required=False)


class ReportJobSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:report-job-detail")
    requested_by = serializers.CharField(source="requested_by_name", read_only=True)
    file_url = serializers.SerializerMethodField(help_text="Where to download the file, once the job is done.")

    class Meta:
        model = ReportJob
        fields = ["id", "url", "kind", "format", "filters", "requested_by", "requested_at", "as_of", "state",
                  "progress", "stage", "started_at", "finished_at", "file_name", "sha256", "size", "model_count",
                  "error", "file_url"]
        read_only_fields = fields

    def get_file_url(self, job: ReportJob) -> str | None:
        if job.state != ReportJob.State.DONE:
            return None
        from django.urls import reverse

        return self.context["request"].build_absolute_uri(reverse("api:report-job-file", args=[job.pk]))
