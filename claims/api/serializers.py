from __future__ import annotations

from typing import Any

from rest_framework import serializers

from claims.models import (
    Article,
    Citation,
    Claim,
    ClaimantType,
    Comment,
    HistoryEvent,
    Rating,
    ReportExport,
    Verdict,
)
from claims.reports.render import FORMATS
from claims.services.verdicts import CITATION_FIELDS, SUMMARY_MAX


class ArticleSerializer(serializers.ModelSerializer):
    url = serializers.URLField(
        source="source_url", max_length=2000, required=False, allow_blank=True
    )
    title = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="Guessed from the text if empty.",
    )
    # Not trimmed: claim offsets point into the text exactly as sent.
    body = serializers.CharField(
        trim_whitespace=False,
        write_only=True,
        required=False,
        help_text="The article text. Send either `body` or a `file` (multipart).",
    )
    file = serializers.FileField(
        write_only=True,
        required=False,
        help_text="A .txt, .md or .html file instead of `body` (multipart/form-data).",
    )
    claim_count = serializers.IntegerField(read_only=True)
    checkworthy_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "body",
            "file",
            "url",
            "publisher",
            "published_at",
            "status",
            "failure_reason",
            "extractor_version",
            "claim_count",
            "checkworthy_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "failure_reason",
            "extractor_version",
            "created_at",
            "updated_at",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("body") and not attrs.get("file"):
            raise serializers.ValidationError({"body": ["Send the article text or a file."]})
        if attrs.get("body") and attrs.get("file"):
            raise serializers.ValidationError({"file": ["Send the text or a file, not both."]})
        return attrs


_ARTICLE_META = ["title", "url", "publisher", "published_at"]


class ArticleTextSerializer(ArticleSerializer):
    """The JSON way in: the text itself. For the schema; the view validates ArticleSerializer."""

    body = serializers.CharField(
        trim_whitespace=False, write_only=True, help_text="The article text, exactly as published."
    )

    class Meta(ArticleSerializer.Meta):
        fields = ["body", *_ARTICLE_META]


class ArticleUploadSerializer(ArticleSerializer):
    """The multipart way in: a file. A separate shape, so a generated client can tell them apart."""

    file = serializers.FileField(write_only=True, help_text="A .txt, .md or .html file.")

    class Meta(ArticleSerializer.Meta):
        fields = ["file", *_ARTICLE_META]


class ArticleDetailSerializer(ArticleSerializer):
    body = serializers.CharField(read_only=True)

    class Meta(ArticleSerializer.Meta):
        fields = [f for f in ArticleSerializer.Meta.fields if f != "file"]


class ArticlePatchSerializer(serializers.Serializer):
    updated_at = serializers.DateTimeField(
        help_text="The `updated_at` you read; a newer one on the server gives 409."
    )
    url = serializers.URLField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="The article's public URL: where the public review says the claim appeared.",
    )
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    published_at = serializers.DateField(required=False, allow_null=True)


class ClaimSerializer(serializers.ModelSerializer):
    claim = serializers.CharField(source="claim_text", read_only=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    quantities = serializers.ListField(child=serializers.DictField(), read_only=True)
    tags: Any = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    # Declared so the schema says what an unrecorded claimant looks like: empty strings.
    claimant_type = serializers.ChoiceField(
        choices=ClaimantType.choices, read_only=True, allow_blank=True
    )
    claimant_url = serializers.URLField(read_only=True, allow_blank=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "article",
            "start",
            "end",
            "text",
            "claim",
            "score",
            "checkworthy",
            "reasons",
            "kind",
            "quantities",
            "status",
            "origin",
            "assignee",
            "tags",
            "claimant",
            "claimant_type",
            "claimant_url",
            "claim_date",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ClaimPatchSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The version you read; a newer one on the server gives 409."
    )
    status = serializers.ChoiceField(choices=Claim.Status.choices, required=False)
    claim = serializers.CharField(max_length=2000, required=False, help_text="The claim text.")
    kind = serializers.ChoiceField(choices=Claim.Kind.choices, required=False)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=20, required=False
    )
    assignee = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="A user id, or null to unassign."
    )
    claimant = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Who made the claim: a person or an organisation.",
    )
    claimant_type = serializers.ChoiceField(
        choices=ClaimantType.choices,
        required=False,
        allow_blank=True,
        help_text="Blank: not decided yet (a claimant the extractor suggested from the text).",
    )
    claimant_url = serializers.URLField(max_length=2000, required=False, allow_blank=True)
    claim_date = serializers.DateField(
        required=False, allow_null=True, help_text="When the claim was made; null to clear."
    )


class ClaimCreateSerializer(serializers.Serializer):
    article = serializers.IntegerField(min_value=1)
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)
    claim = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class SplitSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    at = serializers.IntegerField(
        min_value=0, help_text="Article offset where the second claim starts."
    )


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


class RequestChangesSerializer(VersionSerializer):
    note = serializers.CharField(max_length=5000)


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["id", "label", "description", "colour", "order", "value"]


class CitationSerializer(serializers.ModelSerializer):
    accessed_at = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = Citation
        fields = CITATION_FIELDS
        extra_kwargs = {"url": {"help_text": "May be blank in a draft; required to submit."}}


class VerdictSerializer(serializers.ModelSerializer):
    rating_label = serializers.CharField(
        source="rating.label", read_only=True, default=None, allow_null=True
    )
    citations = CitationSerializer(many=True, read_only=True)
    public_url = serializers.SerializerMethodField(
        help_text="The public permalink, shared by a verdict and its corrections; null until "
        "published."
    )

    class Meta:
        model = Verdict
        fields = [
            "id",
            "claim",
            "rating",
            "rating_label",
            "summary",
            "rationale",
            "citations",
            "status",
            "author",
            "approver",
            "review_note",
            "corrects",
            "original",
            "public_url",
            "correction_note",
            "version",
            "submitted_at",
            "approved_at",
            "superseded_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_public_url(self, verdict: Verdict) -> str | None:
        from claims.reports.claimreview import review_url

        if not verdict.was_published:
            return None
        return review_url(verdict)


class VerdictWriteSerializer(serializers.Serializer):
    rating = serializers.PrimaryKeyRelatedField(
        queryset=Rating.objects.all(),
        allow_null=True,
        required=False,
        help_text="An id from /api/ratings/.",
    )
    summary = serializers.CharField(
        max_length=SUMMARY_MAX,
        required=False,
        allow_blank=True,
        help_text="The claim reviewed, without the rating (ClaimReview's claimReviewed).",
    )
    rationale = serializers.CharField(
        required=False, allow_blank=True, max_length=100_000, help_text="Markdown."
    )
    citations = CitationSerializer(many=True, required=False)
    correction_note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="What changed and why: published with a correction (ignored on others).",
    )


class CorrectionOpenSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="What needs correcting."
    )


class VerdictPatchSerializer(VerdictWriteSerializer):
    version = serializers.IntegerField(min_value=1)


class CommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Comment
        fields = ["id", "claim", "author", "body", "created_at"]
        read_only_fields = ["id", "claim", "author", "created_at"]
        extra_kwargs = {"body": {"max_length": 10_000}}


class HistoryEventSerializer(serializers.ModelSerializer):
    # Null for the system (the worker splitting an article) and for a deleted user.
    actor: Any = serializers.SlugRelatedField(
        read_only=True, slug_field="username", allow_null=True
    )

    class Meta:
        model = HistoryEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "action",
            "from_state",
            "to_state",
            "note",
            "claim",
            "verdict",
        ]
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=["Admin", "Editor", "Reviewer"]),
        help_text="Workbench roles; they decide what the other operations allow.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = serializers.DictField(
        required=False,
        help_text="On a stale `version`: the record as it is now on the server.",
    )


class SelectionQuerySerializer(serializers.Serializer):
    """The query string of GET /api/reports/."""

    rating = serializers.IntegerField(required=False, min_value=1)
    reviewer = serializers.IntegerField(required=False, min_value=1)
    publisher = serializers.CharField(required=False, max_length=200, allow_blank=True)
    format = serializers.ChoiceField(choices=list(FORMATS), required=False, default="html")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # "from" and "to" are Python keywords, so they are declared here.
        fields["from"] = serializers.DateField(required=False)
        fields["to"] = serializers.DateField(required=False)
        return fields


class ReportExportSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    status_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportExport
        fields = [
            "id",
            "format",
            "filters",
            "status",
            "total",
            "done",
            "percent",
            "error",
            "created_at",
            "finished_at",
            "status_url",
            "download_url",
        ]
        read_only_fields = fields

    def _absolute(self, path: str) -> str:
        # Absolute, so a client follows it as is (the request knows the host it came in on).
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_status_url(self, export: ReportExport) -> str:
        return self._absolute(f"/api/reports/exports/{export.pk}/")

    def get_download_url(self, export: ReportExport) -> str | None:
        if export.status != ReportExport.Status.DONE:
            return None
        return self._absolute(f"/api/reports/exports/{export.pk}/download/")
