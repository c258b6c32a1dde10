# One image for every ActorDns container in docker-compose.yml: the `actordns` node (control plane or
# resolver, chosen by the compose command) and the load-test harness (compose overrides the entrypoint).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props nuget.config ./
# Restore in its own layer, so editing a source file does not download the packages again. A project
# missing from this list still builds (publish restores it), only without that cache.
COPY src/ActorDns.Protocol/ActorDns.Protocol.csproj src/ActorDns.Protocol/
COPY src/ActorDns.Server/ActorDns.Server.csproj src/ActorDns.Server/
COPY src/ActorDns.ControlPlane/ActorDns.ControlPlane.csproj src/ActorDns.ControlPlane/
COPY src/ActorDns.Host/ActorDns.Host.csproj src/ActorDns.Host/
COPY perf/ActorDns.LoadTest/ActorDns.LoadTest.csproj perf/ActorDns.LoadTest/
# The node is restored for this machine's runtime with ReadyToRun, as it is published below, so that layer also holds
# the runtime and crossgen packs.
RUN dotnet restore src/ActorDns.Host/ActorDns.Host.csproj --use-current-runtime -p:PublishReadyToRun=true \
 && dotnet restore perf/ActorDns.LoadTest/ActorDns.LoadTest.csproj
COPY src/ src/
COPY perf/ perf/
# ReadyToRun (decision 0042): a resolver is ready from a large cache sooner when less of its start is JIT work.
RUN dotnet publish src/ActorDns.Host/ActorDns.Host.csproj -c Release --use-current-runtime --self-contained false \
      -p:PublishReadyToRun=true --no-restore -o /app/actordns \
 && dotnet publish perf/ActorDns.LoadTest/ActorDns.LoadTest.csproj -c Release -o /app/loadtest

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# curl for the compose health checks on /health/ready (the runtime image has no HTTP client); openssl for
# compose's keygen service, which makes the control plane's API token signing key.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl openssl \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
# --data-dir (the resolver's table cache) lives here; the processes run as the image's unprivileged user.
# /var/lib/actordns-keys holds the signing key, /var/lib/actordns-ca the development CA of `certs init`,
# /var/lib/actordns-certs the nodes' certificates (a named volume takes its directory's owner).
RUN mkdir -p /var/lib/actordns /var/lib/actordns-keys /var/lib/actordns-ca /var/lib/actordns-certs \
 && chown "$APP_UID" /var/lib/actordns /var/lib/actordns-keys /var/lib/actordns-ca /var/lib/actordns-certs
USER $APP_UID
WORKDIR /var/lib/actordns
EXPOSE 4053 5681 9153 15053/udp 15053/tcp
ENTRYPOINT ["dotnet", "/app/actordns/actordns.dll"]
