FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# WeasyPrint (PDF reports) needs pango; fonts make the PDFs readable.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The lock file first: the exact versions CI tested, every download checked against its hash.
COPY requirements.txt ./
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
COPY pyproject.toml ./
COPY factcheck ./factcheck
COPY claims ./claims
RUN pip install --no-cache-dir --no-deps .
COPY . .
# The manifest of hashed names that web serves with STATIC_MANIFEST=true: without it at build
# time, every page was a 500 ("Missing staticfiles manifest entry").
ENV STATIC_MANIFEST=true
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --create-home app && mkdir -p /data/exports && chown -R app /app /data/exports
USER app
EXPOSE 8000
