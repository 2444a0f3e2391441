# jobtester: one binary, built with cgo (mattn/go-sqlite3, go-astiav on
# Debian bookworm's FFmpeg 5.1), with the dashboard's npm packages embedded.
#
#   docker build --build-arg VERSION=$(git describe --always --dirty) -t jobtester .
#   docker run -p 8080:8080 -p 1935:1935 -p 9997:9997 -v jobtester-data:/data \
#       -e JOBTESTER_SECRET=... -e JOBTESTER_ADMIN_PASSWORD=... jobtester
#
# 1935 (RTMP) and 9997 (MediaMTX API) are the embedded media server's, needed
# by the live gateway only (see the README's "Live video tests").

FROM golang:1.26-bookworm AS build
# go-astiav's C libraries, and Node.js to place htmx and uPlot from npm
# (static/vendor is not committed).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libavcodec-dev libavformat-dev libavutil-dev libswscale-dev \
        libswresample-dev libavfilter-dev libavdevice-dev pkg-config nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum package.json package-lock.json ./
RUN go mod download && npm ci --no-audit --no-fund
COPY . .
RUN npm run build:web
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -trimpath -buildvcs=false \
        -ldflags "-s -w -X main.version=${VERSION}" \
        -o /out/jobtester ./cmd/jobtester

FROM debian:bookworm-slim
# Runtime libraries only: the FFmpeg 5.1 shared libraries go-astiav links.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
        libavcodec59 libavformat59 libavutil57 libswscale6 libswresample4 \
        libavfilter8 libavdevice59 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin jobtester \
    && mkdir -p /data \
    && chown jobtester:jobtester /data
COPY --from=build /out/jobtester /usr/local/bin/jobtester
USER jobtester
WORKDIR /data
ENV JOBTESTER_DB=sqlite:///data/jobtester.db \
    JOBTESTER_ADDR=:8080
EXPOSE 8080 1935 9997
VOLUME /data
# No curl in the image: bash's /dev/tcp asks /readyz for its status line.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${JOBTESTER_ADDR##*:} && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["jobtester"]
CMD ["serve"]
