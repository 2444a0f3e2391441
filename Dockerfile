# jobtester: one binary, built with cgo (mattn/go-sqlite3; later libav).
#
#   docker build --build-arg VERSION=$(git describe --always --dirty) -t jobtester .
#   docker run -p 8080:8080 -v jobtester-data:/data -e JOBTESTER_SECRET=... jobtester

FROM golang:1.26-bookworm AS build
# Build-time C libraries go here (the live-video work adds libavcodec-dev,
# libavformat-dev, libavutil-dev, libswscale-dev, ... for go-astiav).
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -trimpath -buildvcs=false \
        -ldflags "-s -w -X main.version=${VERSION}" \
        -o /out/jobtester ./cmd/jobtester

FROM debian:bookworm-slim
# Runtime libraries only: the live-video work adds the matching libav*
# runtime packages (libavcodec59, libavformat59, ...) here.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
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
EXPOSE 8080
VOLUME /data
# No curl in the image: bash's /dev/tcp asks /readyz for its status line.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${JOBTESTER_ADDR##*:} && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["jobtester"]
CMD ["serve"]
