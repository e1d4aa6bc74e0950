/**
 * Stand-in for dockerode's BuildKit modules (`lib/session.js`, `lib/buildkit.js`) in the bundle
 * (see esbuild.mjs). They pull gRPC and protobuf (~400 KB, and most of the bundle's load time) for
 * BuildKit image builds, which this extension never runs; compose does its own builds.
 */
const unsupported = () => new Error('BuildKit builds through the Docker API are not supported by Realm Observability; build with compose instead.');

/** dockerode's `withSession(docker, auth, handler)`: reports the error through the callback. */
function withSession(_docker: unknown, _auth: unknown, handler: (err: Error) => void): void {
  handler(unsupported());
}

/** dockerode's `buildkit.followProgress`. */
function followProgress(): never {
  throw unsupported();
}

export = Object.assign(withSession, { followProgress });
