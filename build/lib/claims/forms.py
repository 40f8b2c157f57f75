from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from claims.ingest import IngestError, decode_upload
from claims.models import Article, Citation, Claim, Rating


class ArticleForm(forms.Form):
    title = forms.CharField(
        max_length=300, required=False, help_text="Left empty, the first line is used."
    )
    body = forms.CharField(
        label="Article text",
        required=False,
        # Offsets point into the text as pasted: no stripping.
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "placeholder": "Paste the article here"}),
    )
    upload = forms.FileField(
        label="…or upload a file",
        required=False,
        help_text="A .txt, .md or .html file, up to 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.markdown,.html,.htm"}),
    )
    source_url = forms.URLField(
        label="Source URL", max_length=2000, required=False, assume_scheme="https"
    )
    publisher = forms.CharField(max_length=200, required=False)
    published_at = forms.DateField(
        label="Published on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("upload")
        body = cleaned.get("body") or ""
        if upload and body.strip():
            raise forms.ValidationError("Paste text or upload a file, not both.")
        if upload:
            try:
                decoded = decode_upload(
                    upload.read(settings.ARTICLE_MAX_BYTES + 1),
                    filename=upload.name or "",
                    max_bytes=settings.ARTICLE_MAX_BYTES,
                )
            except IngestError as exc:
                self.add_error("upload", exc.message)
                return cleaned
            cleaned["body"] = decoded.body
            cleaned["title"] = cleaned.get("title") or decoded.title
            cleaned["source_url"] = cleaned.get("source_url") or decoded.source_url
            cleaned["publisher"] = cleaned.get("publisher") or decoded.publisher
        elif not body.strip():
            self.add_error("body", "The article is empty: paste or upload some text.")
        else:
            # Browsers send a textarea's line breaks as CRLF whatever the user pasted.
            cleaned["body"] = body.replace("\r\n", "\n")
        return cleaned


class QueueFilterForm(forms.Form):
    article = forms.ModelChoiceField(
        queryset=Article.objects.order_by("-created_at"), required=False, empty_label="All articles"
    )
    status = forms.ChoiceField(choices=[("", "Any status"), *Claim.Status.choices], required=False)
    kind = forms.ChoiceField(choices=[("", "Any type"), *Claim.Kind.choices], required=False)
    min_score = forms.FloatField(
        label="Score at least",
        required=False,
        min_value=0,
        max_value=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "placeholder": "0.0"}),
    )
    assignee = forms.ChoiceField(required=False)
    search = forms.CharField(label="Search", required=False, max_length=200)

    def __init__(self, *args: Any, assignees: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ChoiceField)
        assignee.choices = [
            ("", "Anyone"),
            ("me", "Me"),
            ("none", "Nobody"),
            *assignees,
        ]


class ClaimEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    claim_text = forms.CharField(
        label="Claim to check",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A short standalone sentence. The quote in the article is kept as published.",
    )
    kind = forms.ChoiceField(label="Type", choices=Claim.Kind.choices)
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=1000,
        help_text="Separate tags with commas.",
        widget=forms.TextInput(attrs={"list": "tag-suggestions", "autocomplete": "off"}),
    )

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Add a comment", max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class VerdictForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    rating = forms.ModelChoiceField(
        queryset=Rating.objects.all(),
        required=False,
        empty_label="Choose a rating",
    )
    summary = forms.CharField(
        label="Claim reviewed (summary)",
        max_length=75,
        required=False,
        help_text="The claim in 75 characters or fewer, without the rating: it becomes "
        "ClaimReview's claimReviewed.",
        widget=forms.TextInput(attrs={"maxlength": "75"}),
    )
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        help_text="Markdown. Explain how you checked the claim and what you found.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class CitationForm(forms.Form):
    url = forms.URLField(label="URL", max_length=2000, assume_scheme="https")
    title = forms.CharField(max_length=300, required=False)
    publisher = forms.CharField(max_length=200, required=False)
    quote = forms.CharField(
        label="Quoted passage", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    archived_url = forms.URLField(
        label="Archived URL", max_length=2000, required=False, assume_scheme="https"
    )
    accessed_at = forms.DateField(
        label="Accessed on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    stance = forms.ChoiceField(choices=Citation.Stance.choices, initial=Citation.Stance.CONTEXT)


CitationFormSet = forms.formset_factory(CitationForm, extra=0, can_delete=True, max_num=50)


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="What needs to change",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
