from __future__ import annotations

from rest_framework import serializers

from claims.models import Article, Claim


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
    body = serializers.CharField(trim_whitespace=False, write_only=True)
    claim_count = serializers.IntegerField(read_only=True)
    checkworthy_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "body",
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


class ArticleDetailSerializer(ArticleSerializer):
    body = serializers.CharField(read_only=True)


class ClaimSerializer(serializers.ModelSerializer):
    claim = serializers.CharField(source="claim_text", read_only=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    quantities = serializers.ListField(child=serializers.DictField(), read_only=True)

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
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
