from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from claims.ingest import IngestError, decode_upload


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
