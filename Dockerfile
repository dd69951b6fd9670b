# chat-api container: built with Maven, run on a Temurin JRE as a non-root user.
# Configured only by environment variables (see README, "Configuration"); the schema migrations
# are inside the jar and run at start-up.

# The base images are build arguments so that a build without a registry can pass its own (CI does:
# conf/container-check.sh); by default they are the official images.
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY sql sql
COPY src/main src/main
# -Dexec.skip: the class-data sharing archive is made in the runtime stage, by the JVM that uses it.
RUN mvn -B -q package -DskipTests -Dexec.skip

FROM ${RUNTIME_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin chat
WORKDIR /app
COPY --from=build /build/target/chat-api.jar /app/chat-api.jar
# The class-data sharing archive, made by this image's own JVM (an archive made by another build is ignored):
# start-up in about half the time (README, Running).
COPY src/main/cds/classes.txt /tmp/classes.txt
RUN java -Xshare:dump -Xlog:cds=off -Xlog:cds+map=off -XX:SharedClassListFile=/tmp/classes.txt \
        -XX:SharedArchiveFile=/app/chat-api.jsa -cp /app/chat-api.jar > /dev/null \
 && rm /tmp/classes.txt
USER chat
# The heap as conf/jvm.options sizes it (README, Sizing: maxParked follows it); raise both -Xmx and the container's
# memory limit together. Leave the archive out when you start Flight Recorder or a Java agent at launch (README).
ENV HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    JAVA_OPTS="-XX:SharedArchiveFile=/app/chat-api.jsa -Xms64m -Xmx512m -XX:+ExitOnOutOfMemoryError -XX:+UseG1GC"
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${HTTP_PORT}/health/ready" > /dev/null || exit 1
# exec: java is PID 1's only child and gets SIGTERM directly (graceful drain, exit 0).
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/chat-api.jar \"$@\"", "chat-api"]
