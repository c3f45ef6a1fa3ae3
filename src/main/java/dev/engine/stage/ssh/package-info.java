/**
 * SSH stages: a stage with {@code host: user@host[:port]} in context_map.yaml runs its
 * {@code command} on that host (DESIGN.md §4, §7).
 *
 * <p>What an operator can rely on:
 * <ul>
 *   <li><b>Host keys.</b> Strict checking, always: the server's key must already be in
 *       {@code ssh_known_hosts} (default {@code ~/.ssh/known_hosts}; hashed entries and
 *       {@code [host]:port} entries work). The engine never adds or changes an entry. An unknown
 *       key fails with its SHA256 fingerprint and the {@code ssh-keyscan} line to add it after
 *       checking the fingerprint out of band; a changed key fails naming the known_hosts line.</li>
 *   <li><b>Authentication.</b> Public keys only: {@code ssh_identity_file} when set (that key
 *       alone), else those of {@code ~/.ssh/id_ed25519}, {@code id_ecdsa}, {@code id_rsa} that
 *       exist. Ed25519, ECDSA and RSA (rsa-sha2 signatures) keys; passphrase-protected keys are
 *       skipped (there is no prompt), there is no agent and no password authentication.</li>
 *   <li><b>Where the command runs.</b> sshd hands it to the remote user's login shell
 *       ({@code $SHELL -c}), in that user's home directory, with that user's environment; the
 *       engine's environment is not forwarded. Use {@code cd /srv/homelab && ...} in the command
 *       when it needs another directory. The login shell must be POSIX-like (sh, bash, dash, ash,
 *       zsh): the engine puts one line before the command that reports the shell's pid on stderr
 *       (and takes that line out of the log again).</li>
 *   <li><b>Input and output.</b> No terminal is allocated; stdin is at end of file; stdout and
 *       stderr go into the stage log together, as for a local stage.</li>
 *   <li><b>Success checks</b> run locally, in the workspace, like those of local stages; they
 *       can use the operator's tools (kubectl, talosctl) against what the remote command built.</li>
 *   <li><b>Timeout and stop.</b> On the stage timeout or a stop request (SIGTERM to the engine)
 *       the command's process group on the host gets SIGTERM, 3 s later SIGKILL, then the
 *       channel is closed. This is done with {@code kill} on a second channel, which also works
 *       for root logins (OpenSSH refuses SSH signal requests without privilege separation).
 *       Children that started their own session (daemons, {@code setsid}) are left running.</li>
 *   <li><b>Failures</b> are {@link dev.engine.stage.ssh.SshException} subclasses; each kind
 *       starts with a fixed phrase ({@code unknown host key for}, {@code host key CHANGED for},
 *       {@code authentication failed for}, {@code cannot reach}, {@code connection lost to}) that
 *       {@link dev.engine.stage.StageRunner} writes as an {@code [engine] ssh:} line, so each
 *       kind has its own fingerprint. A lost connection leaves the remote command running; the
 *       message names its process group to check on the host.</li>
 * </ul>
 *
 * <p>Settings: {@code ssh_identity_file}, {@code ssh_known_hosts}, {@code ssh_connect_timeout}
 * (default 15s, for TCP connect plus handshake) in the {@code engine:} block, or the environment
 * variables {@code SSH_IDENTITY_FILE}, {@code SSH_KNOWN_HOSTS}, {@code SSH_CONNECT_TIMEOUT}.
 * JSch is loaded only when an SSH stage runs.
 */
package dev.engine.stage.ssh;
