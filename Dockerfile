# syntax=docker/dockerfile:1
# CampusWeek: the backend and the PWA it serves, as one static binary on a
# distroless, non-root image.
#
#   docker build -t campusweek .
#   docker run -p 8080:8080 campusweek                       # demo mode
#   docker run -p 8080:8080 -v $PWD/config.yaml:/etc/campusweek/config.yaml:ro \
#     -e SESSION_KEY=... campusweek -config /etc/campusweek/config.yaml

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN make wasm && \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/server ./server && \
    mkdir -p /out/web && cp -r web/. /out/web/ && rm -f /out/web/.gitignore

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/server /server
COPY --from=build /out/web /web
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/server", "-web", "/web", "-log", "json", "-listen", "0.0.0.0:8080"]
