# syntax=docker/dockerfile:1
#
# The `lunar` binary in a small image, for `lunar serve` (issue 17):
#
#   docker build -t lunar:0.1.0 .
#   docker run --rm -p 8080:8080 -v "$PWD/routes:/scripts:ro" lunar:0.1.0
#
# Two stages. The builder compiles `lunar` with the workspace's release
# profile (fat LTO, one codegen unit: slow to build, fast to run). The
# image has Debian's slim Rust toolchain, whose gcc and libc6-dev carry
# glibc's static archives, so crates/lunar-cli/build.rs links `lunar` as a
# static PIE: the binary needs no library from the final stage. That stage
# is distroless/cc all the same (glibc, libgcc, CA certificates, a
# `nonroot` user, no shell, no package manager), so a build with
# LUNAR_DYNAMIC=1 runs there too. See deploy/README.md.

ARG RUST_IMAGE=rust:1.95-slim-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot

FROM ${RUST_IMAGE} AS builder
WORKDIR /src
# The whole workspace: cargo reads every member's manifest to build one.
COPY . .
# The registry and target folders are BuildKit caches: a rebuild after a
# source change recompiles the workspace, not the dependencies. The
# binary is copied out of the cache mount, which the next stage cannot
# see. `--locked`: the image gets exactly the dependencies of Cargo.lock.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p lunar-cli \
    && install -D -m 0755 target/release/lunar /out/usr/local/bin/lunar
# A smoke test of the binary, and a default script so that `docker run`
# without a mounted folder answers something at `/`.
RUN /out/usr/local/bin/lunar version \
    && mkdir -p /out/scripts \
    && printf '%s\n' \
        'return function(req)' \
        '  return "lunar serve: mount your scripts at /scripts\\n"' \
        'end' > /out/scripts/index.lua

FROM ${RUNTIME_IMAGE}
COPY --from=builder /out/ /
# distroless's `nonroot` (65532:65532), by number so that Kubernetes can
# check runAsNonRoot without looking the name up.
USER 65532:65532
EXPOSE 8080
# /healthz answers 200 while the process serves; /readyz 503 while a
# script does not compile. (Kubernetes ignores HEALTHCHECK; its probes
# are in deploy/k8s/deployment.yaml.)
ENTRYPOINT ["lunar"]
CMD ["serve", "/scripts", "--listen", "0.0.0.0:8080"]
