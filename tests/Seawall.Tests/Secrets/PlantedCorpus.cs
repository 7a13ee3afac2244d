using System.Text;

namespace Seawall.Tests.Secrets;

/// <summary>
/// The planted corpus: files with true secrets of every category the issue names, and look-alikes that must not fire
/// (keys from vendors' documentation, placeholders, variables, hashes, UUIDs, public keys, code). Secrets are made
/// from a seeded generator in each issuer's documented format, so they have real entropy and are nobody's.
/// </summary>
internal static class PlantedCorpus
{
    /// <summary>One file: its path, its text, and the rule ids that must fire in it (none for a look-alike file).</summary>
    public sealed record Case(string Path, string Text, string[] Expected);

    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string Hex = "0123456789abcdef";
    private const string B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private const string Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public static IReadOnlyList<Case> All { get; } = Build();

    private static List<Case> Build()
    {
        var random = new Random(20240817);
        string R(string alphabet, int n) => new([.. Enumerable.Range(0, n).Select(_ => alphabet[random.Next(alphabet.Length)])]);
        string Pem(int lines) => string.Join('\n', Enumerable.Range(0, lines).Select(_ => R(B64, 64)));
        string B64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        string Jwt(string payload) => $"{B64Url("{\"alg\":\"RS256\",\"kid\":\"" + R(Alnum, 12) + "\"}")}.{B64Url(payload)}.{R(Url, 86)}";

        var awsId = "AKIA" + R(Upper, 16);
        var awsSecret = R(B64, 40);
        var k8sToken = Jwt("{\"iss\":\"kubernetes/serviceaccount\",\"kubernetes.io/serviceaccount/namespace\":\"prod\",\"sub\":\"system:serviceaccount:prod:deployer\"}");
        var dockerAuth = Convert.ToBase64String(Encoding.UTF8.GetBytes("deployer:" + R(Alnum, 24)));
        return
        [
            // --- true secrets
            new("home/app/.aws/credentials", $"[default]\naws_access_key_id = {awsId}\naws_secret_access_key = {awsSecret}\n", ["aws-access-key-id", "aws-secret-access-key"]),
            new("app/settings.py", $"AWS_SESSION_TOKEN = \"{R(B64, 300)}\"\n", ["aws-session-token"]),
            new("app/gcp-key.json", "{\n  \"type\": \"service_account\",\n  \"project_id\": \"shop-prod\",\n  \"private_key_id\": \"" + R(Hex, 40) + "\",\n  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n" + string.Join("\\n", Enumerable.Range(0, 8).Select(_ => R(B64, 64))) + "\\n-----END PRIVATE KEY-----\\n\",\n  \"client_email\": \"deployer@shop-prod.iam.gserviceaccount.com\"\n}\n", ["gcp-service-account", "private-key"]),
            new("app/web/config.js", $"const mapsKey = \"AIza{R(Url, 35)}\";\n", ["gcp-api-key"]),
            new("app/appsettings.json", "{ \"Storage\": \"DefaultEndpointsProtocol=https;AccountName=shopprod;AccountKey=" + R(B64, 86) + "==;EndpointSuffix=core.windows.net\" }\n", ["azure-storage-account-key"]),
            new("app/azure.env", $"AZURE_CLIENT_SECRET={R(Alnum, 3)}8Q~{R(Alnum, 34)}\n", ["azure-ad-client-secret"]),
            new("app/ci/github.env", $"GH_TOKEN=ghp_{R(Alnum, 36)}\n", ["github-pat"]),
            new("app/ci/release.sh", $"#!/bin/sh\ncurl -H \"X-Token: github_pat_{R(Alnum, 22)}_{R(Alnum, 59)}\" https://api.github.com/\n", ["github-fine-grained-pat"]),
            new("app/ci/gitlab.yml", $"variables:\n  GITLAB_API: glpat-{R(Url, 20)}\n", ["gitlab-pat"]),
            new("app/ci/bitbucket.env", $"BB_APP_PASSWORD=ATBB{R(Alnum, 32)}\nbitbucket_client_secret = \"{R("abcdefghijklmnopqrstuvwxyz0123456789", 64)}\"\n", ["bitbucket-app-password", "bitbucket-client-secret"]),
            new("app/notify.py", $"SLACK_BOT = \"xoxb-{R("0123456789", 12)}-{R("0123456789", 13)}-{R(Alnum, 24)}\"\nHOOK = \"https://hooks.slack.com/services/T{R(Upper, 8)}/B{R(Upper, 10)}/{R(Alnum, 24)}\"\n", ["slack-access-token", "slack-web-hook"]),
            new("app/billing.rb", $"Stripe.api_key = 'sk_live_{R(Alnum, 24)}'\n", ["stripe-secret-token"]),
            new("app/sms.env", $"TWILIO_API_KEY=SK{R(Hex, 32)}\n", ["twilio-api-key"]),
            new("app/mail.env", $"SENDGRID_API_KEY=SG.{R(Url, 22)}.{R(Url, 43)}\n", ["sendgrid-api-token"]),
            new("root/.npmrc", $"//registry.npmjs.org/:_authToken=npm_{R(Alnum, 36)}\n", ["npm-access-token"]),
            new("root/.pypirc", $"[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc{R(Url, 70)}\n", ["pypi-upload-token"]),
            new("app/nuget.sh", $"dotnet nuget push app.nupkg --api-key oy2{R("abcdefghijklmnopqrstuvwxyz0123456789", 43)}\n", ["nuget-api-key"]),
            new("root/.docker/config.json", "{\n  \"auths\": {\n    \"registry.example.org\": {\n      \"auth\": \"" + dockerAuth + "\"\n    }\n  }\n}\n", ["docker-config-auth"]),
            new("var/run/secrets/kubernetes.io/serviceaccount/token", k8sToken, ["kubernetes-service-account-token"]),
            new("root/.kube/config", "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-key-data: " + R(B64, 120) + "\n", ["kubeconfig-client-key"]),
            new("app/session.txt", "Authorization: Bearer " + Jwt("{\"sub\":\"1234\",\"name\":\"shop\",\"iat\":1700000000}") + "\n", ["jwt-token"]),
            new("root/.ssh/id_rsa", $"-----BEGIN RSA PRIVATE KEY-----\n{Pem(12)}\n-----END RSA PRIVATE KEY-----\n", ["private-key"]),
            new("root/.ssh/id_ed25519", $"-----BEGIN OPENSSH PRIVATE KEY-----\n{Pem(5)}\n-----END OPENSSH PRIVATE KEY-----\n", ["openssh-private-key"]),
            new("root/.gnupg/private.asc", $"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{Pem(10)}\n={R(B64, 4)}\n-----END PGP PRIVATE KEY BLOCK-----\n", ["pgp-private-key"]),
            new("app/database.yml", $"production:\n  url: postgres://shop:{R(Alnum, 18)}@db.internal:5432/shop\n", ["database-connection-url"]),
            new("app/.env", $"REDIS_URL=redis://default:{R(Alnum, 20)}@cache:6379/0\nADMIN_PASSWORD=\"{R(Alnum, 14)}!\"\n", ["database-connection-url", "generic-password"]),
            new("app/config/payment.ini", $"[gateway]\napi_key = {R(Alnum, 32)}\n", ["generic-api-key"]),
            new("etc/shadow", $"root:$6${R(Alnum, 8)}${R(Alnum, 86)}:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n", ["linux-shadow-hash"]),
            new("app/hf.py", $"HF = \"hf_{R(Alnum, 34)}\"\n", ["hugging-face-access-token"]),
            new("app/ai.env", $"OPENAI_API_KEY=sk-proj-{R(Url, 40)}T3BlbkFJ{R(Url, 40)}\n", ["openai-api-key"]),
            new("app/vault.env", $"VAULT_TOKEN=hvs.{R(Url, 100)}\n", ["hashicorp-vault-token"]),
            new("app/do.env", $"DIGITALOCEAN_TOKEN=dop_v1_{R(Hex, 64)}\n", ["digitalocean-token"]),
            new("app/hub.env", $"DOCKERHUB_TOKEN=dckr_pat_{R(Url, 27)}\n", ["dockerhub-pat"]),

            // --- look-alikes: none of these may fire
            new("app/docs/aws.txt", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", []),
            new("app/.env.template", "DB_PASSWORD=${DB_PASSWORD}\nAPI_KEY=<your-api-key>\nGITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nSLACK_TOKEN=xoxb-your-token-here\n", []),
            new("app/config.yml", "database:\n  password: changeme\n  user: shop\nsecret_key: \"REPLACE_ME_WITH_A_REAL_SECRET\"\n", []),
            new("app/local.env", "DATABASE_URL=postgres://user:password@localhost:5432/dev\nPASSWORD=password\n", []),
            new("app/login.py", "def login(user, password=None):\n    password = getpass.getpass()\n    password = self.password\n    token = request.headers.get('X-Token')\n", []),
            new("app/package-lock.json", "{ \"integrity\": \"sha512-" + R(B64, 86) + "==\", \"resolved\": \"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz\" }\n", []),
            new("app/checksums.txt", $"{R(Hex, 64)}  app.tar.gz\ncommit {R(Hex, 40)}\nsha1 {R(Hex, 40)}\n", []),
            new("app/ids.yml", "request_id: 123e4567-e89b-12d3-a456-426614174000\ntenant: 9b2f7c1e-4d3a-4b8e-9f6a-2c1d0e7b5a43\n", []),
            new("app/keys/server.pub", $"-----BEGIN PUBLIC KEY-----\n{Pem(6)}\n-----END PUBLIC KEY-----\n-----BEGIN CERTIFICATE-----\n{Pem(10)}\n-----END CERTIFICATE-----\n", []),
            new("app/docs/setup.txt", "Put your key in key.pem:\n-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n", []),
            new("app/stripe-docs.txt", "Stripe.api_key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'\n", []),
            new("app/twilio.env", $"TWILIO_ACCOUNT_SID=AC{R(Hex, 32)}\n", []),
            new("app/not-a-jwt.txt", $"value: {B64Url("{\"not\":\"json web token\"}")}.{B64Url("{\"a\":1,\"b\":2,\"c\":3}")}.{R(Url, 20)}\n", []),
            new("app/styles.css", $".logo {{ background: url(data:image/png;base64,{R(B64, 200)}); }}\n", []),
            new("app/aws-placeholder.env", "AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX\naws_secret_access_key=" + new string('x', 40) + "\n", []),
            new("app/readme.txt", "Set the password in the environment: export DB_PASSWORD=...\nThe token: is read from TOKEN_FILE.\n", []),
            new("etc/shadow-locked", "root:*:19700:0:99999:7:::\n", []),
        ];
    }
}
