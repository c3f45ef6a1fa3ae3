package dev.engine.redact;

import static dev.engine.redact.Secrets.random;
import static dev.engine.redact.Secrets.redactor;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Layer 3: flags, tool conventions, URL userinfo and headers; {@code %s} is the secret, the rest stays. */
class CommandLineRedactionTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "cloudflared tunnel --no-autoupdate run --token %s",
        "cloudflared tunnel run --token=%s",
        "args: [\"tunnel\", \"run\", \"--token\", \"%s\"]",
        "keytool -importkeystore -srckeystore a.p12 -storepass %s -noprompt",
        "openssl pkcs12 -export -in c.pem -passout pass:%s -out c.p12",
        "curl -fsS -u admin:%s https://grafana.lan/api/health",
        "curl --user 'backup:%s' https://nas.lan/",
        "kubectl exec deploy/mariadb -- mysqldump -uroot -p%s --all-databases",
        "mysql -h db -u root -p'%s' -e 'select 1'",
        "redis-cli -h 10.0.0.41 -a %s --no-auth-warning PING",
        "sshpass -p '%s' ssh root@10.0.0.5 qm list",
        "docker login ghcr.io -u bot -p %s",
        "htpasswd -bc /tmp/auth admin %s",
        "smbclient //nas/share -U backup%%%s -c ls",
        "vault login %s",
        "sudo cloudflared service install %s",
        "kubectl create secret generic arr --from-literal=radarr=%s -n media",
        "echo %s | docker login -u bot --password-stdin",
        "mc alias set nas https://nas.lan:9000 backup %s",
        "git push https://x-access-token:%s@github.com/org/repo.git",
        "redis-cli -u redis://default:%s@10.0.0.41:6379/0 INFO",
        "> Authorization: Bearer %s",
        "curl -H 'Authorization: Token %s' https://paperless.lan/api/",
        "Authorization: PVEAPIToken=root@pam!engine=%s",
        "< set-cookie: grafana_session=%s; Path=/; Max-Age=2592000; HttpOnly",
        "> Cookie: theme=dark; _oauth2_proxy=%s",
        "X-Api-Key: %s",
        "{'Authorization': 'Bearer %s', 'User-Agent': 'python-requests/2.32.3'}",
        "request headers: map[Accept:[*/*] Authorization:[Bearer %s]]",
    })
    void the_secret_goes_and_only_it(String template) {
        String secret = "Cl9" + random(21);
        String text = "before\n" + template.formatted(secret) + "\nafter\n";
        String out = redactor().redact(text);
        assertThat(out).doesNotContain(secret);
        String expected = text.replace(secret, "\u0000");
        String got = Redactor.PLACEHOLDER.matcher(out).replaceAll("\u0000");
        assertThat(got).as("everything but the secret stays, and one placeholder stands for it").isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "curl -fsS -u admin https://grafana.lan/api/health",
        "mysql -u nextcloud -p nextcloud -e 'select 1'",
        "kubectl create configmap x --from-literal=LOG_LEVEL=debug",
        "git clone https://git@github.com/org/repo.git",
        "error: authorization: permission denied for user op",
        "curl -H \"Authorization: Bearer ${GRAFANA_TOKEN}\" https://grafana.lan",
        "redis-cli -a \"$REDIS_PASSWORD\" INFO",
        "flux bootstrap github --owner=org --repository=homelab --token-auth --personal",
        "helm upgrade --install x chart --set persistence.enabled=true --set defaultSettings.backupTargetCredentialSecret=minio",
        "docker login ghcr.io -u bot --password-stdin < /run/secrets/ghcr",
        "ssh -p 2222 root@10.0.0.5",
        "talosctl --nodes 10.0.0.10 --talosconfig ./talosconfig health",
    })
    void code_and_references_stay(String line) {
        assertThat(redactor().redact(line + "\n")).isEqualTo(line + "\n");
    }
}
