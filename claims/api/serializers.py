from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from knox.models import AuthToken
from rest_framework import serializers

from claims.api import fields as f
from claims.api.tokens import token_public_id
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
from claims.services.articles import IngestResult
from claims.services.matching import summary_of
from claims.services.verdicts import CITATION_FIELDS, SUMMARY_MAX


class ArticlePartSerializer(serializers.Serializer):
    start = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


class ArticleSerializer(f.ModelSerializer):
    url = f.URLField(source="source_url", max_length=2000, required=False, allow_blank=True)
    title = f.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="Guessed from the text if empty.",
    )
    # Not trimmed: claim offsets point into the text exactly as sent.
    body = f.CharField(
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
    claim_count = f.IntegerField(read_only=True)
    checkworthy_count = f.IntegerField(read_only=True)
    parts = ArticlePartSerializer(
        many=True,
        read_only=True,
        allow_null=True,
        help_text="Where the text seems to hold several articles pasted together: each one's "
        "start (a character offset into `body`) and title, in order; null for one article.",
    )

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
            "parts",
            "claim_count",
            "checkworthy_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "failure_reason",
            "extractor_version",
            "parts",
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

    body = f.CharField(
        trim_whitespace=False, write_only=True, help_text="The article text, exactly as published."
    )

    class Meta(ArticleSerializer.Meta):
        fields = ["body", *_ARTICLE_META]


class ArticleUploadSerializer(ArticleSerializer):
    """The multipart way in: a file. A separate shape, so a generated client can tell them apart."""

    file = serializers.FileField(write_only=True, help_text="A .txt, .md or .html file.")

    class Meta(ArticleSerializer.Meta):
        fields = ["file", *_ARTICLE_META]


class ArticleIngestedSerializer(ArticleSerializer):
    """The article a POST stored, or the one its text already belongs to (with how close)."""

    duplicate = serializers.SerializerMethodField(
        help_text="True when no article was created: the text is this article's, or nearly."
    )
    similarity = serializers.SerializerMethodField(
        help_text="For a duplicate: the estimated share of the same text, from 0 to 1 (1 for "
        "the same text, once spacing, quotes and case are set aside); null for a new article."
    )
    version_id = serializers.SerializerMethodField(
        help_text="For a near-copy: the id of the version of this article it was kept as."
    )
    version_number = serializers.SerializerMethodField(
        help_text="For a near-copy: that version's number; the article as first ingested is 1."
    )

    class Meta(ArticleSerializer.Meta):
        fields = [
            *ArticleSerializer.Meta.fields,
            "duplicate",
            "similarity",
            "version_id",
            "version_number",
        ]

    def _result(self) -> IngestResult:
        result: IngestResult = self.context["ingest"]
        return result

    def get_duplicate(self, article: Article) -> bool:
        return self._result().duplicate_of is not None

    def get_similarity(self, article: Article) -> float | None:
        return self._result().similarity

    def get_version_id(self, article: Article) -> int | None:
        version = self._result().version
        return None if version is None else version.pk

    def get_version_number(self, article: Article) -> int | None:
        return self._result().version_number


class ArticleDetailSerializer(ArticleSerializer):
    body = f.CharField(read_only=True)

    class Meta(ArticleSerializer.Meta):
        fields = [f for f in ArticleSerializer.Meta.fields if f != "file"]


class ArticlePatchSerializer(serializers.Serializer):
    updated_at = f.DateTimeField(
        help_text="The `updated_at` you read; a newer one on the server gives 409."
    )
    url = f.URLField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="The article's public URL: where the public review says the claim appeared.",
    )
    publisher = f.CharField(max_length=200, required=False, allow_blank=True)
    published_at = f.DateField(required=False, allow_null=True)


class ClaimSerializer(f.ModelSerializer):
    claim = f.CharField(source="claim_text", read_only=True)
    reasons = serializers.ListField(child=f.CharField(), read_only=True)
    quantities = serializers.ListField(child=serializers.DictField(), read_only=True)
    tags: Any = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    # Declared so the schema says what an unrecorded claimant looks like: empty strings.
    claimant_type = f.ChoiceField(choices=ClaimantType.choices, read_only=True, allow_blank=True)
    claimant_url = f.URLField(read_only=True, allow_blank=True)
    matches_count = serializers.SerializerMethodField(
        help_text="Claims in other articles that say the same (suggested or confirmed)."
    )
    conflicts_count = serializers.SerializerMethodField(
        help_text="Groups of claims that give this claim's measure a different value."
    )

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
            "opinion",
            "parts",
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
            "matches_count",
            "conflicts_count",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_matches_count(self, obj: Claim) -> int:
        return summary_of(obj).matches

    @extend_schema_field(OpenApiTypes.INT)
    def get_conflicts_count(self, obj: Claim) -> int:
        return summary_of(obj).conflicts


class ClaimPatchSerializer(serializers.Serializer):
    version = f.IntegerField(
        min_value=1, help_text="The version you read; a newer one on the server gives 409."
    )
    status = f.ChoiceField(choices=Claim.Status.choices, required=False)
    claim = f.CharField(max_length=2000, required=False, help_text="The claim text.")
    kind = f.ChoiceField(choices=Claim.Kind.choices, required=False)
    tags = serializers.ListField(child=f.CharField(max_length=60), max_length=20, required=False)
    assignee = f.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="A user id, or null to unassign."
    )
    claimant = f.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Who made the claim: a person or an organisation.",
    )
    claimant_type = f.ChoiceField(
        choices=ClaimantType.choices,
        required=False,
        allow_blank=True,
        help_text="Blank: not decided yet (a claimant the extractor suggested from the text).",
    )
    claimant_url = f.URLField(max_length=2000, required=False, allow_blank=True)
    claim_date = f.DateField(
        required=False, allow_null=True, help_text="When the claim was made; null to clear."
    )


class ClaimCreateSerializer(serializers.Serializer):
    article = f.IntegerField(min_value=1)
    start = f.IntegerField(min_value=0)
    end = f.IntegerField(min_value=1)
    claim = f.CharField(max_length=2000, required=False, allow_blank=True)


class SplitSerializer(serializers.Serializer):
    version = f.IntegerField(min_value=1)
    at = f.IntegerField(min_value=0, help_text="Article offset where the second claim starts.")


class VersionSerializer(serializers.Serializer):
    version = f.IntegerField(min_value=1)


class RequestChangesSerializer(VersionSerializer):
    note = f.CharField(max_length=5000)


class RatingSerializer(f.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["id", "label", "description", "colour", "order", "value"]


class CitationSerializer(f.ModelSerializer):
    accessed_at = f.DateField(required=False, allow_null=True)

    class Meta:
        model = Citation
        fields = CITATION_FIELDS
        extra_kwargs = {"url": {"help_text": "May be blank in a draft; required to submit."}}


class VerdictSerializer(f.ModelSerializer):
    rating_label = f.CharField(source="rating.label", read_only=True, default=None, allow_null=True)
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
        pk_field=f.IntegerField(),
        allow_null=True,
        required=False,
        help_text="An id from /api/ratings/.",
    )
    summary = f.CharField(
        max_length=SUMMARY_MAX,
        required=False,
        allow_blank=True,
        help_text="The claim reviewed, without the rating (ClaimReview's claimReviewed).",
    )
    rationale = f.CharField(
        required=False, allow_blank=True, max_length=100_000, help_text="Markdown."
    )
    citations = CitationSerializer(many=True, required=False)
    correction_note = f.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="What changed and why: published with a correction (ignored on others).",
    )


class CorrectionOpenSerializer(serializers.Serializer):
    note = f.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="What needs correcting."
    )


class VerdictPatchSerializer(VerdictWriteSerializer):
    version = f.IntegerField(min_value=1)


class CommentSerializer(f.ModelSerializer):
    class Meta:
        model = Comment
        fields = ["id", "claim", "author", "body", "created_at"]
        read_only_fields = ["id", "claim", "author", "created_at"]
        extra_kwargs = {"body": {"max_length": 10_000}}


class HistoryEventSerializer(f.ModelSerializer):
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
    id = f.IntegerField()
    username = f.CharField()
    roles = serializers.ListField(
        child=f.ChoiceField(choices=["Admin", "Editor", "Reviewer"]),
        help_text="Workbench roles; they decide what the other operations allow.",
    )


class TokenSerializer(serializers.Serializer):
    """One API token, without its key (the server keeps only a hash of it)."""

    id = serializers.SerializerMethodField(help_text="Names the token to revoke it.")
    created = f.DateTimeField(read_only=True)
    expiry = f.DateTimeField(
        read_only=True, allow_null=True, help_text="When it stops working; null: never."
    )
    current = serializers.SerializerMethodField(help_text="Whether this request was made with it.")

    def get_id(self, token: AuthToken) -> str:
        return token_public_id(token)

    def get_current(self, token: AuthToken) -> bool:
        current = self.context.get("current")
        return isinstance(current, AuthToken) and current.digest == token.digest


class TokenCreatedSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField(help_text="Names the token to revoke it.")
    token = serializers.SerializerMethodField(
        help_text="The key, for `Authorization: Token <key>`. Shown this once: keep it safe."
    )
    created = f.DateTimeField(read_only=True)
    expiry = f.DateTimeField(
        read_only=True, allow_null=True, help_text="When it stops working; null: never."
    )

    def get_id(self, token: AuthToken) -> str:
        return token_public_id(token)

    def get_token(self, token: AuthToken) -> str:
        return str(self.context["key"])


class ErrorSerializer(serializers.Serializer):
    detail = f.CharField()


class ConflictSerializer(serializers.Serializer):
    detail = f.CharField()
    current = serializers.DictField(
        required=False,
        help_text="On a stale `version`: the record as it is now on the server.",
    )


class ArticleReportQuerySerializer(serializers.Serializer):
    """The query string of GET /api/articles/{id}/report/."""

    format = f.ChoiceField(choices=list(FORMATS), required=False, default="html")
    internal = f.QueryBooleanField(required=False, default=False)


class SelectionQuerySerializer(serializers.Serializer):
    """The query string of GET /api/reports/."""

    rating = serializers.IntegerField(required=False, min_value=1, max_value=f.MAX_INT)
    reviewer = serializers.IntegerField(required=False, min_value=1, max_value=f.MAX_INT)
    publisher = f.CharField(required=False, max_length=200, allow_blank=True)
    format = f.ChoiceField(choices=list(FORMATS), required=False, default="html")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # "from" and "to" are Python keywords, so they are declared here.
        fields["from"] = f.DateField(required=False)
        fields["to"] = f.DateField(required=False)
        return fields


class ReportExportSerializer(f.ModelSerializer):
    percent = f.IntegerField(read_only=True)
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
