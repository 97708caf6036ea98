# s3-credentials in an empty image: the static binary and nothing else.
# Build the binary first (see README.md, "Static binary"):
#   cargo build --release --target x86_64-unknown-linux-musl
#   docker build -t s3-credentials .
#   docker run --rm -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY s3-credentials whoami
# TLS roots are built in; no CA files are needed in the image.
FROM scratch
COPY target/x86_64-unknown-linux-musl/release/s3-credentials /s3-credentials
ENTRYPOINT ["/s3-credentials"]
