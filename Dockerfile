# syntax=docker/dockerfile:1
# meshgate container image. Build context: the repository root, plus Istio's CRD bundle as the
# named context `istio-crds` (it is packed into the jar and never kept in this repository):
#   docker build --build-context istio-crds=../shared/istio-crds -t meshgate:latest .
# Runs `meshgate serve`; the arguments come from the Deployment (deploy/base/deployment.yaml).

# --- Istio's CRDs: replaced by --build-context istio-crds=DIR; without it the build stops here --
FROM busybox:1.36 AS istio-crds
RUN echo "meshgate needs Istio's CRD bundle: docker build --build-context istio-crds=../shared/istio-crds ." >&2 \
 && false

# --- build: the shaded jar ------------------------------------------------------------------
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
# The whole context (see .dockerignore): the app build also packs ../routes into the jar.
COPY . .
COPY --from=istio-crds customresourcedefinitions.gen.yaml /src/istio-crds/customresourcedefinitions.gen.yaml
# The Maven repository is a BuildKit cache: rebuilds download only what changed.
RUN --mount=type=cache,target=/root/.m2 mvn -B -DskipTests -Dmeshgate.istio-crds.dir=/src/istio-crds package

# --- runtime --------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre
# curl only for HEALTHCHECK (the JRE image has neither curl nor wget).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 meshgate \
 && useradd --system --no-log-init --uid 10001 --gid meshgate \
      --home-dir /var/lib/meshgate --shell /usr/sbin/nologin meshgate \
 && mkdir -p /var/lib/meshgate \
 && chown meshgate:meshgate /var/lib/meshgate

WORKDIR /opt/meshgate
COPY --from=build /src/app/target/meshgate.jar /opt/meshgate/meshgate.jar
COPY --from=build /src/policies/ /opt/meshgate/policies/
COPY --from=build /src/routes/ /opt/meshgate/routes/
COPY --from=build /src/repo-fixtures/ /opt/meshgate/repo-fixtures/

# MESHGATE_HOME: where meshgate finds policies/ and repo-fixtures/. HOME: JGit's user config
# and the Git cache live in the writable work directory (the root filesystem may be read-only).
ENV MESHGATE_HOME=/opt/meshgate \
    HOME=/var/lib/meshgate
USER 10001:10001
EXPOSE 8080
# Matches the default --http-port 8080.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz > /dev/null || exit 1
# The heap follows the container's memory limit: three quarters of it (the JVM's default is a
# quarter, which leaves a 10,000-service repository short); JAVA_TOOL_OPTIONS or arguments override it.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/meshgate/meshgate.jar"]
CMD ["serve"]
