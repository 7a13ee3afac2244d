// Dockerfile bench: parse + judge N generated multi-stage Dockerfiles (every check of the catalog) on one thread.
// Usage: dotnet run -c Release --project bench/dockerfiles [N]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Seawall.Misconfig.Dockerfile;

var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;

// Realistic Dockerfiles in four shapes (Go multi-stage, Python with heredoc, Node, Alpine with escapes and ARG-in-FROM),
// varied per copy so nothing is cached.
static string Dockerfile(int i) => (i % 4) switch
{
    0 => $$"""
        # syntax=docker/dockerfile:1.7
        ARG GO_VERSION=1.22.{{i % 9}}
        FROM golang:${GO_VERSION}-bookworm AS build
        WORKDIR /src
        COPY go.mod go.sum ./
        RUN --mount=type=cache,target=/root/go/pkg/mod go mod download
        COPY . .
        RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version={{i}}" -o /out/app-{{i}} ./cmd/app

        FROM gcr.io/distroless/static-debian12:nonroot
        COPY --from=build /out/app-{{i}} /app
        USER 65532:65532
        EXPOSE 8080
        ENTRYPOINT ["/app"]
        """,
    1 => $$"""
        FROM python:3.12-slim
        ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 APP_HOME=/srv/app-{{i}}
        RUN <<EOF
        set -eux
        apt-get update
        apt-get install -y --no-install-recommends build-essential=12.9 libpq-dev curl
        rm -rf /var/lib/apt/lists/*
        EOF
        WORKDIR $APP_HOME
        COPY requirements.txt .
        RUN pip install --no-cache-dir -r requirements.txt gunicorn==22.0.{{i % 3}}
        COPY . .
        RUN useradd --create-home app && chown -R app:app $APP_HOME
        USER app
        HEALTHCHECK --interval=30s CMD curl -f http://localhost:8000/health || exit 1
        CMD gunicorn -b 0.0.0.0:8000 app.wsgi:application
        """,
    2 => $$"""
        FROM node:20 AS deps
        WORKDIR /app
        COPY package.json package-lock.json ./
        RUN npm ci && npm install -g pm2
        FROM node:20-alpine
        MAINTAINER team-{{i}}@example.com
        RUN apk add --update curl bash && curl -fsSL https://example.com/setup-{{i}}.sh | bash
        WORKDIR /app
        COPY --from=deps /app/node_modules ./node_modules
        ADD . .
        ENV NPM_TOKEN=npm_{{i}}abcdefabcdefabcdefabcdef
        EXPOSE 3000 22
        RUN chmod -R 777 /app && cd /app && npm run build
        CMD ["pm2-runtime", "server.js"]
        """,
    _ => $$"""
        ARG ALPINE=3.20
        FROM alpine:${ALPINE} AS base
        RUN apk add --no-cache ca-certificates=20240705-r0 tzdata \
            # keep zoneinfo
            && cp /usr/share/zoneinfo/UTC /etc/localtime \
            && sudo echo done
        ARG ALPINE
        LABEL org.opencontainers.image.version="{{i}}" alpine="${ALPINE}"
        FROM base
        ADD https://example.com/tool-{{i}}.tar.gz /opt/
        RUN wget -qO- https://example.com/data.tar.gz | tar xz -C /opt && yum install -y nothing
        WORKDIR opt
        USER root
        """,
};

var texts = Enumerable.Range(0, count).Select(Dockerfile).ToList();
Run(texts.Take(Math.Min(2000, count)).ToList()); // warm-up: JIT and tiering
// CPU time too: on a loaded machine the pinned core is shared, and files per CPU-second is the engine's own speed.
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var clock = Stopwatch.StartNew();
var (results, failed, files) = Run(texts);
clock.Stop();
var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
var bytes = texts.Sum(t => Encoding.UTF8.GetByteCount(t));
Console.WriteLine($"Dockerfiles: {files:N0} ({bytes / (double)files:N0} bytes each) in {clock.Elapsed.TotalSeconds:F2} s = {files / clock.Elapsed.TotalSeconds:N0}/s on one thread ({results:N0} results, {failed:N0} failures, {DockerfileCheckCatalog.All.Count} checks)");
Console.WriteLine($"CPU time: {cpu.TotalSeconds:F2} s = {files / cpu.TotalSeconds:N0} Dockerfiles per CPU-second");
Console.WriteLine("load average: " + File.ReadAllText("/proc/loadavg").Trim());

static (int Results, int Failed, int Files) Run(List<string> texts)
{
    var results = 0;
    var failed = 0;
    var warnings = new List<string>();
    foreach (var text in texts)
    {
        var build = DockerfileLoader.Parse("Dockerfile", Encoding.UTF8.GetBytes(text), warnings);
        foreach (var result in DockerfileScanner.Run([build], DockerfileCheckCatalog.All))
        {
            results++;
            failed += result.Outcome.Failed ? 1 : 0;
        }
    }
    if (warnings.Count > 0)
    {
        throw new InvalidOperationException("bench Dockerfiles should parse cleanly: " + warnings[0]);
    }
    return (results, failed, texts.Count);
}
