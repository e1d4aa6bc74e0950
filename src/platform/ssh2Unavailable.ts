/**
 * Stand-in for the `ssh2` package in the bundle (see esbuild.mjs). docker-modem requires it at load
 * time but only uses it for `ssh://` Docker hosts, which this extension does not support: the
 * native crypto addons ssh2 wants cannot ship in a platform-neutral .vsix.
 */
export class Client {
  constructor() {
    throw new Error(
      'ssh:// Docker hosts are not supported by Realm Observability. Use a unix socket or tcp:// DOCKER_HOST (for example through `docker context` with an SSH tunnel).',
    );
  }
}
