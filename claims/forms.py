from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from claims.ingest import IngestError, decode_upload
from claims.models import Citation, Claim, ClaimantType, Rating


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
    # Who made the claim and when: the public review names them (ClaimReview's author).
    claimant = forms.CharField(
        label="Claimant",
        max_length=200,
        required=False,
        help_text="The person or organisation who made the claim.",
    )
    claimant_type = forms.ChoiceField(
        label="Claimant is a",
        choices=[("", "Choose…"), *ClaimantType.choices],
        required=False,
    )
    claimant_url = forms.URLField(
        label="Claimant's web page",
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text="Optional: their official page or profile.",
    )
    claim_date = forms.DateField(
        label="Claim made on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Left empty, the article's publication date is used.",
    )

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]


class ArticleDetailsForm(forms.Form):
    """Where and when an article was published; `seen` is the article's state when opened."""

    seen = forms.DateTimeField(widget=forms.HiddenInput)
    source_url = forms.URLField(
        label="Public URL",
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text="Where readers find the article: the public review links to it.",
    )
    publisher = forms.CharField(max_length=200, required=False)
    published_at = forms.DateField(
        label="Published on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Add a comment", max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class VerdictForm(forms.Form):
    # Which verdict, at which version, the page was opened on: empty when there was none yet.
    verdict = forms.IntegerField(widget=forms.HiddenInput, required=False)
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
    correction_note = forms.CharField(
        label="What changed and why",
        required=False,
        max_length=5000,
        help_text="Published with the correction, beside the date it was made.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CitationForm(forms.Form):
    # Not required here: a draft may be saved with a half-written citation; the checklist asks
    # for the URL before the verdict is submitted.
    url = forms.URLField(label="URL", max_length=2000, required=False, assume_scheme="https")
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
    is_primary = forms.BooleanField(
        label="Primary source",
        required=False,
        help_text="The data, document or person the claim is about, not coverage of it.",
    )


CitationFormSet = forms.formset_factory(CitationForm, extra=0, can_delete=True, max_num=50)


class CorrectionForm(forms.Form):
    note = forms.CharField(
        label="What needs correcting",
        required=False,
        max_length=5000,
        help_text="You can complete it in the correction before submitting it.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="What needs to change",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
