// The built-in rules. Patterns are written for this project from the token formats the issuers document; ids
// follow the names Trivy and gitleaks use where one exists, so findings line up with theirs.
using System.Text.RegularExpressions;
using Seawall.Core.Model;

namespace Seawall.Secrets.Rules;

/// <summary>
/// The rules Seawall ships: cloud keys, code-host and service tokens, registry and cluster credentials, private keys,
/// JWTs, URLs with passwords and generic assignments (filtered by entropy). Regexes are source-generated, so a Native
/// AOT build runs compiled matchers; each has a time limit, so a hostile file cannot stall a scan.
/// </summary>
public static partial class BuiltinRules
{
    /// <summary>Per-match time limit: generous for real text, short enough that crafted input cannot hold a scan.</summary>
    private const int TimeoutMs = 2000;

    private const RegexOptions Options = RegexOptions.CultureInvariant;

    /// <summary>Bump when a rule is added, removed or changed: it is part of the layer-cache key.</summary>
    public const int Version = 2;

    public static IReadOnlyList<SecretRule> All { get; } = Create();

    private static List<SecretRule> Create() =>
    [
        new() { Id = "aws-access-key-id", Category = "AWS", Severity = Severity.Critical, Title = "AWS Access Key ID", Keywords = [@"AKIA", @"AGPA", @"AIDA", @"AROA", @"AIPA", @"ANPA", @"ANVA", @"ASIA", @"A3T", @"ABIA", @"ACCA"], Pattern = AwsAccessKeyId(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "aws-secret-access-key", Category = "AWS", Severity = Severity.Critical, Title = "AWS Secret Access Key", Keywords = [@"aws", @"secret_access_key", @"secretaccesskey", @"secret-access-key"], Pattern = AwsSecretAccessKey(), SecretGroup = "secret", MinEntropy = 3.0 },
        new() { Id = "aws-session-token", Category = "AWS", Severity = Severity.Critical, Title = "AWS Session Token", Keywords = [@"session_token", @"sessiontoken", @"security_token"], Pattern = AwsSessionToken(), SecretGroup = "secret", MinEntropy = 3.5 },
        new() { Id = "aws-mws-key", Category = "AWS", Severity = Severity.High, Title = "Amazon MWS Auth Token", Keywords = [@"amzn.mws."], Pattern = AwsMwsKey() },
        new() { Id = "gcp-service-account", Category = "Google", Severity = Severity.Critical, Title = "Google (GCP) Service-account key file", Keywords = [@"service_account"], Pattern = GcpServiceAccount(), Multiline = true },
        new() { Id = "gcp-api-key", Category = "Google", Severity = Severity.High, Title = "Google API Key", Keywords = [@"AIza"], Pattern = GcpApiKey(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "gcp-oauth-client-secret", Category = "Google", Severity = Severity.High, Title = "Google OAuth client secret", Keywords = [@"GOCSPX-"], Pattern = GcpOauthClientSecret(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "google-oauth-access-token", Category = "Google", Severity = Severity.High, Title = "Google OAuth access token", Keywords = [@"ya29."], Pattern = GoogleOauthAccessToken(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "azure-storage-account-key", Category = "Azure", Severity = Severity.Critical, Title = "Azure Storage account key", Keywords = [@"accountkey"], Pattern = AzureStorageAccountKey(), SecretGroup = "secret" },
        new() { Id = "azure-sas-token", Category = "Azure", Severity = Severity.High, Title = "Azure shared access signature (SAS) token", Keywords = [@"sig="], Pattern = AzureSasToken(), SecretGroup = "secret" },
        new() { Id = "azure-ad-client-secret", Category = "Azure", Severity = Severity.High, Title = "Azure Entra ID (AD) client secret", Keywords = [@"q~"], Pattern = AzureAdClientSecret(), SecretGroup = "secret", MinEntropy = 3.5 },
        new() { Id = "azure-service-bus-key", Category = "Azure", Severity = Severity.High, Title = "Azure Service Bus / Event Hubs shared access key", Keywords = [@"sharedaccesskey="], Pattern = AzureServiceBusKey(), SecretGroup = "secret" },
        new() { Id = "azure-app-config-connection-string", Category = "Azure", Severity = Severity.High, Title = "Azure App Configuration connection string", Keywords = [@"azconfig.io"], Pattern = AzureAppConfigConnectionString(), SecretGroup = "secret" },
        new() { Id = "azure-devops-pat", Category = "Azure", Severity = Severity.High, Title = "Azure DevOps personal access token", Keywords = [@"azdo"], Pattern = AzureDevopsPat(), SecretGroup = "secret" },
        new() { Id = "azure-cosmosdb-key", Category = "Azure", Severity = Severity.High, Title = "Azure Cosmos DB account key", Keywords = [@"documents.azure.com"], Pattern = AzureCosmosdbKey(), SecretGroup = "secret" },
        new() { Id = "github-pat", Category = "GitHub", Severity = Severity.Critical, Title = "GitHub Personal Access Token", Keywords = [@"ghp_"], Pattern = GithubPat(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "github-oauth", Category = "GitHub", Severity = Severity.Critical, Title = "GitHub OAuth Access Token", Keywords = [@"gho_"], Pattern = GithubOauth(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "github-app-token", Category = "GitHub", Severity = Severity.Critical, Title = "GitHub App Token", Keywords = [@"ghu_", @"ghs_"], Pattern = GithubAppToken(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "github-refresh-token", Category = "GitHub", Severity = Severity.Critical, Title = "GitHub Refresh Token", Keywords = [@"ghr_"], Pattern = GithubRefreshToken(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "github-fine-grained-pat", Category = "GitHub", Severity = Severity.Critical, Title = "GitHub Fine-grained personal access token", Keywords = [@"github_pat_"], Pattern = GithubFineGrainedPat(), CaseSensitiveKeywords = true },
        new() { Id = "gitlab-pat", Category = "GitLab", Severity = Severity.Critical, Title = "GitLab Personal Access Token", Keywords = [@"glpat-"], Pattern = GitlabPat(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "gitlab-pipeline-trigger-token", Category = "GitLab", Severity = Severity.High, Title = "GitLab pipeline trigger token", Keywords = [@"glptt-"], Pattern = GitlabPipelineTriggerToken(), CaseSensitiveKeywords = true },
        new() { Id = "gitlab-runner-registration-token", Category = "GitLab", Severity = Severity.High, Title = "GitLab runner registration token", Keywords = [@"GR1348941"], Pattern = GitlabRunnerRegistrationToken(), CaseSensitiveKeywords = true },
        new() { Id = "gitlab-runner-auth-token", Category = "GitLab", Severity = Severity.High, Title = "GitLab runner authentication token", Keywords = [@"glrt-"], Pattern = GitlabRunnerAuthToken(), CaseSensitiveKeywords = true },
        new() { Id = "gitlab-deploy-token", Category = "GitLab", Severity = Severity.High, Title = "GitLab deploy token", Keywords = [@"gldt-"], Pattern = GitlabDeployToken(), CaseSensitiveKeywords = true },
        new() { Id = "gitlab-feed-token", Category = "GitLab", Severity = Severity.Medium, Title = "GitLab feed token", Keywords = [@"glft-"], Pattern = GitlabFeedToken(), CaseSensitiveKeywords = true },
        new() { Id = "gitlab-scim-token", Category = "GitLab", Severity = Severity.High, Title = "GitLab SCIM token", Keywords = [@"glsoat-"], Pattern = GitlabScimToken(), CaseSensitiveKeywords = true },
        new() { Id = "gitlab-incoming-mail-token", Category = "GitLab", Severity = Severity.Medium, Title = "GitLab incoming mail token", Keywords = [@"glimt-"], Pattern = GitlabIncomingMailToken(), CaseSensitiveKeywords = true },
        new() { Id = "gitlab-agent-token", Category = "GitLab", Severity = Severity.High, Title = "GitLab Kubernetes agent token", Keywords = [@"glagent-"], Pattern = GitlabAgentToken(), CaseSensitiveKeywords = true },
        new() { Id = "gitlab-oauth-app-secret", Category = "GitLab", Severity = Severity.High, Title = "GitLab OAuth application secret", Keywords = [@"gloas-"], Pattern = GitlabOauthAppSecret(), CaseSensitiveKeywords = true },
        new() { Id = "gitlab-cicd-job-token", Category = "GitLab", Severity = Severity.High, Title = "GitLab CI/CD job token", Keywords = [@"glcbt-"], Pattern = GitlabCicdJobToken(), CaseSensitiveKeywords = true },
        new() { Id = "bitbucket-client-id", Category = "Bitbucket", Severity = Severity.High, Title = "Bitbucket client ID", Keywords = [@"bitbucket"], Pattern = BitbucketClientId(), SecretGroup = "secret" },
        new() { Id = "bitbucket-client-secret", Category = "Bitbucket", Severity = Severity.High, Title = "Bitbucket client secret", Keywords = [@"bitbucket"], Pattern = BitbucketClientSecret(), SecretGroup = "secret" },
        new() { Id = "bitbucket-app-password", Category = "Bitbucket", Severity = Severity.High, Title = "Bitbucket app password", Keywords = [@"ATBB"], Pattern = BitbucketAppPassword(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "atlassian-api-token", Category = "Atlassian", Severity = Severity.High, Title = "Atlassian API token", Keywords = [@"ATATT3"], Pattern = AtlassianApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "atlassian-api-token-assignment", Category = "Atlassian", Severity = Severity.High, Title = "Atlassian API token (assignment)", Keywords = [@"atlassian"], Pattern = AtlassianApiTokenAssignment(), SecretGroup = "secret" },
        new() { Id = "jira-api-token", Category = "Atlassian", Severity = Severity.High, Title = "Jira / Confluence API token", Keywords = [@"jira"], Pattern = JiraApiToken(), SecretGroup = "secret" },
        new() { Id = "slack-access-token", Category = "Slack", Severity = Severity.High, Title = "Slack token", Keywords = [@"xoxb-", @"xoxa-", @"xoxp-", @"xoxr-", @"xoxs-", @"xoxe-", @"xoxo-"], Pattern = SlackAccessToken(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "slack-app-token", Category = "Slack", Severity = Severity.High, Title = "Slack app-level token", Keywords = [@"xapp-"], Pattern = SlackAppToken() },
        new() { Id = "slack-config-token", Category = "Slack", Severity = Severity.High, Title = "Slack configuration token", Keywords = [@"xoxe.xox"], Pattern = SlackConfigToken() },
        new() { Id = "slack-web-hook", Category = "Slack", Severity = Severity.Medium, Title = "Slack Webhook", Keywords = [@"hooks.slack.com"], Pattern = SlackWebHook() },
        new() { Id = "stripe-secret-token", Category = "Stripe", Severity = Severity.Critical, Title = "Stripe Secret Key", Keywords = [@"sk_test_", @"sk_live_"], Pattern = StripeSecretToken(), SecretGroup = "secret" },
        new() { Id = "stripe-restricted-key", Category = "Stripe", Severity = Severity.High, Title = "Stripe restricted key", Keywords = [@"rk_test_", @"rk_live_"], Pattern = StripeRestrictedKey(), SecretGroup = "secret" },
        new() { Id = "stripe-publishable-token", Category = "Stripe", Severity = Severity.Low, Title = "Stripe Publishable Key", Keywords = [@"pk_test_", @"pk_live_"], Pattern = StripePublishableToken(), SecretGroup = "secret" },
        new() { Id = "stripe-webhook-secret", Category = "Stripe", Severity = Severity.High, Title = "Stripe webhook signing secret", Keywords = [@"whsec_"], Pattern = StripeWebhookSecret(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "twilio-api-key", Category = "Twilio", Severity = Severity.Medium, Title = "Twilio API Key", Keywords = [@"SK"], Pattern = TwilioApiKey(), CaseSensitiveKeywords = true, SecretGroup = "secret", MinEntropy = 3.0 },
        new() { Id = "twilio-auth-token", Category = "Twilio", Severity = Severity.High, Title = "Twilio auth token", Keywords = [@"twilio"], Pattern = TwilioAuthToken(), SecretGroup = "secret" },
        new() { Id = "sendgrid-api-token", Category = "SendGrid", Severity = Severity.High, Title = "SendGrid API token", Keywords = [@"SG."], Pattern = SendgridApiToken(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "mailgun-private-api-token", Category = "Mailgun", Severity = Severity.High, Title = "Mailgun private API token", Keywords = [@"mailgun"], Pattern = MailgunPrivateApiToken(), SecretGroup = "secret" },
        new() { Id = "mailgun-pub-key", Category = "Mailgun", Severity = Severity.Medium, Title = "Mailgun public validation key", Keywords = [@"pubkey-"], Pattern = MailgunPubKey() },
        new() { Id = "mailgun-signing-key", Category = "Mailgun", Severity = Severity.High, Title = "Mailgun webhook signing key", Keywords = [@"mailgun"], Pattern = MailgunSigningKey(), SecretGroup = "secret" },
        new() { Id = "mailchimp-api-key", Category = "Mailchimp", Severity = Severity.Medium, Title = "Mailchimp API key", Keywords = [@"-us"], Pattern = MailchimpApiKey(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "mandrill-api-key", Category = "Mailchimp", Severity = Severity.Medium, Title = "Mandrill (Mailchimp transactional) API key", Keywords = [@"mandrill"], Pattern = MandrillApiKey(), SecretGroup = "secret", MinEntropy = 3.0 },
        new() { Id = "sendinblue-api-token", Category = "Sendinblue", Severity = Severity.Medium, Title = "Sendinblue (Brevo) API token", Keywords = [@"xkeysib-"], Pattern = SendinblueApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "mailjet-api-key", Category = "Mailjet", Severity = Severity.Medium, Title = "Mailjet API key", Keywords = [@"mailjet"], Pattern = MailjetApiKey(), SecretGroup = "secret" },
        new() { Id = "postmark-server-token", Category = "Postmark", Severity = Severity.Medium, Title = "Postmark server token", Keywords = [@"postmark"], Pattern = PostmarkServerToken(), SecretGroup = "secret" },
        new() { Id = "npm-access-token", Category = "Npm", Severity = Severity.Critical, Title = "npm access token", Keywords = [@"npm_"], Pattern = NpmAccessToken(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "npmrc-auth-token", Category = "Npm", Severity = Severity.Critical, Title = "npm registry auth token in .npmrc", Keywords = [@"_authtoken"], Pattern = NpmrcAuthToken(), SecretGroup = "secret", MinEntropy = 3.0 },
        new() { Id = "npmrc-auth", Category = "Npm", Severity = Severity.High, Title = "npm registry basic auth in .npmrc", Keywords = [@"_auth"], Pattern = NpmrcAuth(), SecretGroup = "secret", MinEntropy = 2.5 },
        new() { Id = "pypi-upload-token", Category = "PyPI", Severity = Severity.High, Title = "PyPI upload token", Keywords = [@"pypi-AgEIcHlwaS5vcmc", @"pypi-AgENdGVzdC5weXBpLm9yZw"], Pattern = PypiUploadToken(), CaseSensitiveKeywords = true },
        new() { Id = "nuget-api-key", Category = "NuGet", Severity = Severity.High, Title = "NuGet API key", Keywords = [@"oy2"], Pattern = NugetApiKey(), CaseSensitiveKeywords = true, SecretGroup = "secret", MinEntropy = 3.5 },
        new() { Id = "nuget-config-password", Category = "NuGet", Severity = Severity.High, Title = "NuGet feed password in NuGet.Config", Keywords = [@"cleartextpassword"], Pattern = NugetConfigPassword(), SecretGroup = "secret" },
        new() { Id = "rubygems-api-token", Category = "RubyGems", Severity = Severity.High, Title = "RubyGems API token", Keywords = [@"rubygems_"], Pattern = RubygemsApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "clojars-api-token", Category = "Clojars", Severity = Severity.Medium, Title = "Clojars API token", Keywords = [@"CLOJARS_"], Pattern = ClojarsApiToken() },
        new() { Id = "private-packagist-token", Category = "Private Packagist", Severity = Severity.High, Title = "Private Packagist token", Keywords = [@"packagist_"], Pattern = PrivatePackagistToken(), CaseSensitiveKeywords = true },
        new() { Id = "pulumi-api-token", Category = "Pulumi", Severity = Severity.High, Title = "Pulumi API token", Keywords = [@"pul-"], Pattern = PulumiApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "dockerhub-pat", Category = "Docker", Severity = Severity.High, Title = "Docker Hub personal access token", Keywords = [@"dckr_pat_"], Pattern = DockerhubPat(), CaseSensitiveKeywords = true },
        new() { Id = "docker-config-auth", Category = "Docker", Severity = Severity.High, Title = "Registry credentials in a Docker config.json", Keywords = [@"""auths"""], Pattern = DockerConfigAuth(), SecretGroup = "secret", MinEntropy = 2.5, Multiline = true },
        new() { Id = "jfrog-api-key", Category = "JFrog", Severity = Severity.High, Title = "JFrog Artifactory API key", Keywords = [@"AKCp"], Pattern = JfrogApiKey(), CaseSensitiveKeywords = true },
        new() { Id = "jfrog-identity-token", Category = "JFrog", Severity = Severity.High, Title = "JFrog identity / access token", Keywords = [@"cmVmdGtu"], Pattern = JfrogIdentityToken(), CaseSensitiveKeywords = true },
        new() { Id = "sonarqube-token", Category = "SonarQube", Severity = Severity.Medium, Title = "SonarQube token", Keywords = [@"squ_", @"sqp_", @"sqa_"], Pattern = SonarqubeToken(), CaseSensitiveKeywords = true },
        new() { Id = "kubernetes-service-account-token", Category = "Kubernetes", Severity = Severity.Critical, Title = "Kubernetes service-account token", Keywords = [@"eyJ"], Pattern = KubernetesServiceAccountToken(), CaseSensitiveKeywords = true, SecretGroup = "secret", Validate = Validators.IsKubernetesServiceAccountToken },
        new() { Id = "kubeconfig-client-key", Category = "Kubernetes", Severity = Severity.Critical, Title = "Client key in a kubeconfig", Keywords = [@"client-key-data"], Pattern = KubeconfigClientKey(), SecretGroup = "secret" },
        new() { Id = "kubeconfig-user-token", Category = "Kubernetes", Severity = Severity.Critical, Title = "User token in a kubeconfig", Keywords = [@"users:"], Pattern = KubeconfigUserToken(), SecretGroup = "secret", MinEntropy = 3.0, Multiline = true },
        new() { Id = "jwt-token", Category = "JWT", Severity = Severity.Medium, Title = "JSON Web Token", Keywords = [@"eyJ"], Pattern = JwtToken(), CaseSensitiveKeywords = true, SecretGroup = "secret", Validate = Validators.IsJwt },
        new() { Id = "private-key", Category = "AsymmetricPrivateKey", Severity = Severity.High, Title = "Asymmetric Private Key", Keywords = [@"-----begin"], Pattern = PrivateKey(), MinEntropy = 3.0, Multiline = true },
        new() { Id = "openssh-private-key", Category = "AsymmetricPrivateKey", Severity = Severity.High, Title = "OpenSSH private key", Keywords = [@"-----begin openssh"], Pattern = OpensshPrivateKey(), MinEntropy = 3.0, Multiline = true },
        new() { Id = "pgp-private-key", Category = "AsymmetricPrivateKey", Severity = Severity.High, Title = "PGP private key block", Keywords = [@"-----begin pgp private"], Pattern = PgpPrivateKey(), MinEntropy = 3.0, Multiline = true },
        new() { Id = "putty-private-key", Category = "AsymmetricPrivateKey", Severity = Severity.High, Title = "PuTTY private key", Keywords = [@"putty-user-key-file"], Pattern = PuttyPrivateKey(), MinEntropy = 3.0, Multiline = true },
        new() { Id = "age-secret-key", Category = "Age", Severity = Severity.Medium, Title = "Age secret key", Keywords = [@"AGE-SECRET-KEY-1"], Pattern = AgeSecretKey(), CaseSensitiveKeywords = true },
        new() { Id = "linux-shadow-hash", Category = "PasswordHash", Severity = Severity.High, Title = "Password hash in a shadow file", Keywords = [@"$"], Pattern = LinuxShadowHash(), CaseSensitiveKeywords = true, SecretGroup = "secret", Path = LinuxShadowHashPath() },
        new() { Id = "htpasswd-hash", Category = "PasswordHash", Severity = Severity.Medium, Title = "Password hash in an htpasswd file", Keywords = [@"$apr1$", @"$2y$", @"{sha}"], Pattern = HtpasswdHash(), SecretGroup = "secret", Path = HtpasswdHashPath() },
        new() { Id = "database-connection-url", Category = "Database", Severity = Severity.High, Title = "Database URL with a password", Keywords = [@"postgres://", @"postgresql://", @"mysql://", @"mariadb://", @"mongodb://", @"mongodb+srv://", @"redis://", @"rediss://", @"amqp://", @"amqps://", @"mssql://", @"sqlserver://", @"oracle://", @"cockroachdb://", @"clickhouse://", @"neo4j://", @"couchdb://", @"jdbc:"], Pattern = DatabaseConnectionUrl(), SecretGroup = "secret", MinEntropy = 2.0 },
        new() { Id = "url-basic-auth", Category = "Generic", Severity = Severity.High, Title = "Credentials in a URL", Keywords = [@"://"], Pattern = UrlBasicAuth(), SecretGroup = "secret", MinEntropy = 2.0, Generic = true },
        new() { Id = "shopify-token", Category = "Shopify", Severity = Severity.High, Title = "Shopify token", Keywords = [@"shpss_", @"shpat_", @"shpca_", @"shppa_"], Pattern = ShopifyToken(), CaseSensitiveKeywords = true },
        new() { Id = "heroku-api-key", Category = "Heroku", Severity = Severity.High, Title = "Heroku API Key", Keywords = [@"heroku"], Pattern = HerokuApiKey(), SecretGroup = "secret" },
        new() { Id = "heroku-api-key-v2", Category = "Heroku", Severity = Severity.High, Title = "Heroku API Key (v2)", Keywords = [@"HRKU-"], Pattern = HerokuApiKeyV2(), CaseSensitiveKeywords = true },
        new() { Id = "hugging-face-access-token", Category = "HuggingFace", Severity = Severity.Critical, Title = "Hugging Face Access Token", Keywords = [@"hf_"], Pattern = HuggingFaceAccessToken(), CaseSensitiveKeywords = true, SecretGroup = "secret", MinEntropy = 3.5 },
        new() { Id = "hugging-face-org-token", Category = "HuggingFace", Severity = Severity.Critical, Title = "Hugging Face organization API token", Keywords = [@"api_org_"], Pattern = HuggingFaceOrgToken(), CaseSensitiveKeywords = true, SecretGroup = "secret", MinEntropy = 3.5 },
        new() { Id = "openai-api-key", Category = "OpenAI", Severity = Severity.Critical, Title = "OpenAI API key", Keywords = [@"T3BlbkFJ"], Pattern = OpenaiApiKey(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "anthropic-api-key", Category = "Anthropic", Severity = Severity.Critical, Title = "Anthropic API key", Keywords = [@"sk-ant-"], Pattern = AnthropicApiKey(), CaseSensitiveKeywords = true },
        new() { Id = "databricks-api-token", Category = "Databricks", Severity = Severity.High, Title = "Databricks API token", Keywords = [@"dapi"], Pattern = DatabricksApiToken(), CaseSensitiveKeywords = true, SecretGroup = "secret", MinEntropy = 3.0 },
        new() { Id = "discord-api-token", Category = "Discord", Severity = Severity.Medium, Title = "Discord API key", Keywords = [@"discord"], Pattern = DiscordApiToken(), SecretGroup = "secret" },
        new() { Id = "discord-client-id", Category = "Discord", Severity = Severity.Low, Title = "Discord client ID", Keywords = [@"discord"], Pattern = DiscordClientId(), SecretGroup = "secret" },
        new() { Id = "discord-client-secret", Category = "Discord", Severity = Severity.Medium, Title = "Discord client secret", Keywords = [@"discord"], Pattern = DiscordClientSecret(), SecretGroup = "secret" },
        new() { Id = "discord-webhook", Category = "Discord", Severity = Severity.Medium, Title = "Discord webhook URL", Keywords = [@"discord"], Pattern = DiscordWebhook() },
        new() { Id = "dropbox-api-token", Category = "Dropbox", Severity = Severity.High, Title = "Dropbox API token", Keywords = [@"dropbox"], Pattern = DropboxApiToken(), SecretGroup = "secret" },
        new() { Id = "duffel-api-token", Category = "Duffel", Severity = Severity.Medium, Title = "Duffel API token", Keywords = [@"duffel_"], Pattern = DuffelApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "dynatrace-api-token", Category = "Dynatrace", Severity = Severity.High, Title = "Dynatrace API token", Keywords = [@"dt0c01."], Pattern = DynatraceApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "easypost-api-token", Category = "Easypost", Severity = Severity.Medium, Title = "EasyPost API token", Keywords = [@"EZAK", @"EZTK"], Pattern = EasypostApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "fastly-api-token", Category = "Fastly", Severity = Severity.Medium, Title = "Fastly API token", Keywords = [@"fastly"], Pattern = FastlyApiToken(), SecretGroup = "secret" },
        new() { Id = "finicity-api-token", Category = "Finicity", Severity = Severity.Medium, Title = "Finicity API token", Keywords = [@"finicity"], Pattern = FinicityApiToken(), SecretGroup = "secret" },
        new() { Id = "flutterwave-secret-key", Category = "Flutterwave", Severity = Severity.High, Title = "Flutterwave secret key", Keywords = [@"FLWSECK"], Pattern = FlutterwaveSecretKey(), CaseSensitiveKeywords = true },
        new() { Id = "flutterwave-encryption-key", Category = "Flutterwave", Severity = Severity.Medium, Title = "Flutterwave encryption key", Keywords = [@"FLWSECK_TEST"], Pattern = FlutterwaveEncryptionKey(), CaseSensitiveKeywords = true },
        new() { Id = "frameio-api-token", Category = "Frameio", Severity = Severity.Medium, Title = "Frame.io API token", Keywords = [@"fio-u-"], Pattern = FrameioApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "gocardless-api-token", Category = "GoCardless", Severity = Severity.High, Title = "GoCardless API token", Keywords = [@"gocardless"], Pattern = GocardlessApiToken(), SecretGroup = "secret" },
        new() { Id = "grafana-api-key", Category = "Grafana", Severity = Severity.High, Title = "Grafana API key", Keywords = [@"eyJrIjoi"], Pattern = GrafanaApiKey(), CaseSensitiveKeywords = true },
        new() { Id = "grafana-cloud-api-token", Category = "Grafana", Severity = Severity.High, Title = "Grafana Cloud API token", Keywords = [@"glc_"], Pattern = GrafanaCloudApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "grafana-service-account-token", Category = "Grafana", Severity = Severity.High, Title = "Grafana service account token", Keywords = [@"glsa_"], Pattern = GrafanaServiceAccountToken(), CaseSensitiveKeywords = true },
        new() { Id = "hashicorp-tf-api-token", Category = "HashiCorp", Severity = Severity.High, Title = "Terraform Cloud / Enterprise API token", Keywords = [@".atlasv1."], Pattern = HashicorpTfApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "hashicorp-vault-token", Category = "HashiCorp", Severity = Severity.Critical, Title = "HashiCorp Vault token", Keywords = [@"hvs.", @"hvb."], Pattern = HashicorpVaultToken(), CaseSensitiveKeywords = true },
        new() { Id = "doppler-api-token", Category = "Doppler", Severity = Severity.High, Title = "Doppler API token", Keywords = [@"dp.pt."], Pattern = DopplerApiToken() },
        new() { Id = "hubspot-api-key", Category = "HubSpot", Severity = Severity.Medium, Title = "HubSpot API key", Keywords = [@"hubspot"], Pattern = HubspotApiKey(), SecretGroup = "secret" },
        new() { Id = "intercom-api-token", Category = "Intercom", Severity = Severity.Medium, Title = "Intercom API token", Keywords = [@"intercom"], Pattern = IntercomApiToken(), SecretGroup = "secret" },
        new() { Id = "ionic-api-token", Category = "Ionic", Severity = Severity.Medium, Title = "Ionic API token", Keywords = [@"ion_"], Pattern = IonicApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "linear-api-token", Category = "Linear", Severity = Severity.Medium, Title = "Linear API token", Keywords = [@"lin_api_"], Pattern = LinearApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "lob-api-key", Category = "Lob", Severity = Severity.Medium, Title = "Lob API key", Keywords = [@"lob"], Pattern = LobApiKey(), SecretGroup = "secret" },
        new() { Id = "mapbox-secret-token", Category = "Mapbox", Severity = Severity.Medium, Title = "Mapbox secret token", Keywords = [@"sk.eyj"], Pattern = MapboxSecretToken() },
        new() { Id = "messagebird-api-token", Category = "MessageBird", Severity = Severity.Medium, Title = "MessageBird API token", Keywords = [@"messagebird"], Pattern = MessagebirdApiToken(), SecretGroup = "secret" },
        new() { Id = "new-relic-user-api-key", Category = "NewRelic", Severity = Severity.High, Title = "New Relic user API key", Keywords = [@"NRAK-"], Pattern = NewRelicUserApiKey(), CaseSensitiveKeywords = true },
        new() { Id = "new-relic-browser-api-token", Category = "NewRelic", Severity = Severity.Medium, Title = "New Relic browser API token", Keywords = [@"NRJS-"], Pattern = NewRelicBrowserApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "new-relic-insert-key", Category = "NewRelic", Severity = Severity.High, Title = "New Relic insert key", Keywords = [@"NRII-"], Pattern = NewRelicInsertKey(), CaseSensitiveKeywords = true },
        new() { Id = "planetscale-token", Category = "Planetscale", Severity = Severity.High, Title = "PlanetScale password or token", Keywords = [@"pscale_"], Pattern = PlanetscaleToken(), CaseSensitiveKeywords = true },
        new() { Id = "postman-api-token", Category = "Postman", Severity = Severity.Medium, Title = "Postman API token", Keywords = [@"PMAK-"], Pattern = PostmanApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "shippo-api-token", Category = "Shippo", Severity = Severity.Medium, Title = "Shippo API token", Keywords = [@"shippo_"], Pattern = ShippoApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "linkedin-client-secret", Category = "LinkedIn", Severity = Severity.Medium, Title = "LinkedIn client secret", Keywords = [@"linkedin"], Pattern = LinkedinClientSecret(), SecretGroup = "secret" },
        new() { Id = "twitch-api-token", Category = "Twitch", Severity = Severity.Medium, Title = "Twitch API token", Keywords = [@"twitch"], Pattern = TwitchApiToken(), SecretGroup = "secret" },
        new() { Id = "typeform-api-token", Category = "Typeform", Severity = Severity.Medium, Title = "Typeform API token", Keywords = [@"tfp_"], Pattern = TypeformApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "facebook-token", Category = "Facebook", Severity = Severity.Low, Title = "Facebook token", Keywords = [@"facebook"], Pattern = FacebookToken(), SecretGroup = "secret" },
        new() { Id = "facebook-access-token", Category = "Facebook", Severity = Severity.High, Title = "Facebook page / user access token", Keywords = [@"EAACEdEose0cBA"], Pattern = FacebookAccessToken(), CaseSensitiveKeywords = true },
        new() { Id = "twitter-token", Category = "Twitter", Severity = Severity.Low, Title = "Twitter token", Keywords = [@"twitter"], Pattern = TwitterToken(), SecretGroup = "secret" },
        new() { Id = "twitter-bearer-token", Category = "Twitter", Severity = Severity.High, Title = "Twitter (X) bearer token", Keywords = [@"AAAAAAAAAAAAAAAAAAAAA"], Pattern = TwitterBearerToken(), CaseSensitiveKeywords = true, MinEntropy = 3.0 },
        new() { Id = "adobe-client-id", Category = "Adobe", Severity = Severity.Low, Title = "Adobe Client ID (OAuth Web)", Keywords = [@"adobe"], Pattern = AdobeClientId(), SecretGroup = "secret" },
        new() { Id = "adobe-client-secret", Category = "Adobe", Severity = Severity.Low, Title = "Adobe Client Secret", Keywords = [@"p8e-"], Pattern = AdobeClientSecret() },
        new() { Id = "alibaba-access-key-id", Category = "Alibaba", Severity = Severity.High, Title = "Alibaba AccessKey ID", Keywords = [@"LTAI"], Pattern = AlibabaAccessKeyId(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "alibaba-secret-key", Category = "Alibaba", Severity = Severity.High, Title = "Alibaba Secret Key", Keywords = [@"alibaba"], Pattern = AlibabaSecretKey(), SecretGroup = "secret" },
        new() { Id = "asana-client-id", Category = "Asana", Severity = Severity.Medium, Title = "Asana Client ID", Keywords = [@"asana"], Pattern = AsanaClientId(), SecretGroup = "secret" },
        new() { Id = "asana-client-secret", Category = "Asana", Severity = Severity.Medium, Title = "Asana Client Secret", Keywords = [@"asana"], Pattern = AsanaClientSecret(), SecretGroup = "secret" },
        new() { Id = "beamer-api-token", Category = "Beamer", Severity = Severity.Low, Title = "Beamer API token", Keywords = [@"beamer"], Pattern = BeamerApiToken(), SecretGroup = "secret" },
        new() { Id = "contentful-delivery-api-token", Category = "ContentfulDelivery", Severity = Severity.Low, Title = "Contentful delivery API token", Keywords = [@"contentful"], Pattern = ContentfulDeliveryApiToken(), SecretGroup = "secret" },
        new() { Id = "square-access-token", Category = "Square", Severity = Severity.High, Title = "Square access token", Keywords = [@"sq0atp-", @"EAAA"], Pattern = SquareAccessToken(), CaseSensitiveKeywords = true, MinEntropy = 3.0 },
        new() { Id = "square-oauth-secret", Category = "Square", Severity = Severity.High, Title = "Square OAuth secret", Keywords = [@"sq0csp-"], Pattern = SquareOauthSecret(), CaseSensitiveKeywords = true },
        new() { Id = "braintree-access-token", Category = "PayPal", Severity = Severity.Critical, Title = "PayPal Braintree access token", Keywords = [@"access_token$production$"], Pattern = BraintreeAccessToken() },
        new() { Id = "digitalocean-token", Category = "DigitalOcean", Severity = Severity.Critical, Title = "DigitalOcean token", Keywords = [@"dop_v1_", @"doo_v1_", @"dor_v1_"], Pattern = DigitaloceanToken(), CaseSensitiveKeywords = true },
        new() { Id = "cloudflare-api-token", Category = "Cloudflare", Severity = Severity.High, Title = "Cloudflare API token", Keywords = [@"cloudflare"], Pattern = CloudflareApiToken(), SecretGroup = "secret" },
        new() { Id = "cloudflare-global-api-key", Category = "Cloudflare", Severity = Severity.High, Title = "Cloudflare global API key", Keywords = [@"cloudflare"], Pattern = CloudflareGlobalApiKey(), SecretGroup = "secret" },
        new() { Id = "sentry-token", Category = "Sentry", Severity = Severity.Medium, Title = "Sentry auth token", Keywords = [@"sntrys_", @"sntryu_"], Pattern = SentryToken(), CaseSensitiveKeywords = true },
        new() { Id = "datadog-api-key", Category = "Datadog", Severity = Severity.High, Title = "Datadog API or application key", Keywords = [@"datadog"], Pattern = DatadogApiKey(), SecretGroup = "secret" },
        new() { Id = "dd-api-key", Category = "Datadog", Severity = Severity.High, Title = "Datadog API key (DD_API_KEY)", Keywords = [@"dd_api_key", @"dd_app_key"], Pattern = DdApiKey(), SecretGroup = "secret" },
        new() { Id = "telegram-bot-token", Category = "Telegram", Severity = Severity.High, Title = "Telegram bot token", Keywords = [@":AA"], Pattern = TelegramBotToken(), CaseSensitiveKeywords = true, SecretGroup = "secret" },
        new() { Id = "okta-api-token", Category = "Okta", Severity = Severity.High, Title = "Okta API token", Keywords = [@"okta"], Pattern = OktaApiToken(), SecretGroup = "secret" },
        new() { Id = "circleci-api-token", Category = "CircleCI", Severity = Severity.Medium, Title = "CircleCI API token", Keywords = [@"circle"], Pattern = CircleciApiToken(), SecretGroup = "secret" },
        new() { Id = "snyk-api-token", Category = "Snyk", Severity = Severity.Medium, Title = "Snyk API token", Keywords = [@"snyk"], Pattern = SnykApiToken(), SecretGroup = "secret" },
        new() { Id = "prefect-api-token", Category = "Prefect", Severity = Severity.High, Title = "Prefect API token", Keywords = [@"pnu_"], Pattern = PrefectApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "readme-api-token", Category = "ReadMe", Severity = Severity.Medium, Title = "ReadMe API token", Keywords = [@"rdme_"], Pattern = ReadmeApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "scalingo-api-token", Category = "Scalingo", Severity = Severity.Medium, Title = "Scalingo API token", Keywords = [@"tk-us-"], Pattern = ScalingoApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "infracost-api-token", Category = "Infracost", Severity = Severity.Medium, Title = "Infracost API token", Keywords = [@"ico-"], Pattern = InfracostApiToken(), CaseSensitiveKeywords = true, MinEntropy = 3.5 },
        new() { Id = "flyio-access-token", Category = "Fly.io", Severity = Severity.High, Title = "Fly.io access token", Keywords = [@"flyv1 fm"], Pattern = FlyioAccessToken() },
        new() { Id = "supabase-access-token", Category = "Supabase", Severity = Severity.High, Title = "Supabase access token", Keywords = [@"sbp_"], Pattern = SupabaseAccessToken(), CaseSensitiveKeywords = true },
        new() { Id = "notion-api-token", Category = "Notion", Severity = Severity.Medium, Title = "Notion integration token", Keywords = [@"ntn_"], Pattern = NotionApiToken(), CaseSensitiveKeywords = true },
        new() { Id = "netlify-access-token", Category = "Netlify", Severity = Severity.Medium, Title = "Netlify access token", Keywords = [@"netlify"], Pattern = NetlifyAccessToken(), SecretGroup = "secret" },
        new() { Id = "zendesk-secret-key", Category = "Zendesk", Severity = Severity.Medium, Title = "Zendesk secret key", Keywords = [@"zendesk"], Pattern = ZendeskSecretKey(), SecretGroup = "secret" },
        new() { Id = "yandex-api-key", Category = "Yandex", Severity = Severity.Medium, Title = "Yandex API key", Keywords = [@"AQVN"], Pattern = YandexApiKey(), CaseSensitiveKeywords = true },
        new() { Id = "yandex-iam-token", Category = "Yandex", Severity = Severity.Medium, Title = "Yandex IAM token", Keywords = [@"t1."], Pattern = YandexIamToken(), CaseSensitiveKeywords = true },
        new() { Id = "perplexity-api-key", Category = "Perplexity", Severity = Severity.High, Title = "Perplexity API key", Keywords = [@"pplx-"], Pattern = PerplexityApiKey(), CaseSensitiveKeywords = true },
        new() { Id = "groq-api-key", Category = "Groq", Severity = Severity.High, Title = "Groq API key", Keywords = [@"gsk_"], Pattern = GroqApiKey(), CaseSensitiveKeywords = true },
        new() { Id = "replicate-api-token", Category = "Replicate", Severity = Severity.High, Title = "Replicate API token", Keywords = [@"r8_"], Pattern = ReplicateApiToken(), CaseSensitiveKeywords = true, MinEntropy = 3.5 },
        new() { Id = "mongodb-atlas-key", Category = "MongoDB", Severity = Severity.High, Title = "MongoDB Atlas private API key", Keywords = [@"mdb_"], Pattern = MongodbAtlasKey(), CaseSensitiveKeywords = true },
        new() { Id = "algolia-api-key", Category = "Algolia", Severity = Severity.Medium, Title = "Algolia admin API key", Keywords = [@"algolia"], Pattern = AlgoliaApiKey(), SecretGroup = "secret", MinEntropy = 3.0 },
        new() { Id = "artifactory-reference-token", Category = "JFrog", Severity = Severity.High, Title = "Artifactory reference token", Keywords = [@"cmVmd"], Pattern = ArtifactoryReferenceToken(), CaseSensitiveKeywords = true, MinEntropy = 4.0 },
        new() { Id = "generic-password", Category = "Generic", Severity = Severity.High, Title = "Password assignment", Keywords = [@"password", @"passwd", @"pwd"], Pattern = GenericPassword(), SecretGroup = "secret", MinEntropy = 2.8, Generic = true },
        new() { Id = "generic-api-key", Category = "Generic", Severity = Severity.High, Title = "API key assignment", Keywords = [@"api_key", @"apikey", @"api-key", @"secret_key", @"secretkey", @"secret-key", @"access_key", @"accesskey", @"access-key", @"private_key", @"privatekey", @"app_key", @"appkey", @"master_key", @"masterkey", @"encryption_key", @"signing_key"], Pattern = GenericApiKey(), SecretGroup = "secret", MinEntropy = 3.5, Generic = true },
        new() { Id = "generic-secret", Category = "Generic", Severity = Severity.High, Title = "Secret assignment", Keywords = [@"secret"], Pattern = GenericSecret(), SecretGroup = "secret", MinEntropy = 3.5, Generic = true },
        new() { Id = "generic-token", Category = "Generic", Severity = Severity.High, Title = "Token assignment", Keywords = [@"token"], Pattern = GenericToken(), SecretGroup = "secret", MinEntropy = 3.5, Generic = true },
        new() { Id = "authorization-header", Category = "Generic", Severity = Severity.High, Title = "Credentials in an Authorization header", Keywords = [@"authorization"], Pattern = AuthorizationHeader(), SecretGroup = "secret", MinEntropy = 3.0, Generic = true },
    ];

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?<secret>(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex AwsAccessKeyId();

    [GeneratedRegex(@"(?i)(?:aws_?(?:sec(?:ret)?)?_?(?:access)?_?key|sec(?:ret)?[_-]?access[_-]?key)[""']?\s*(?::|=>|=)\s*[""']?(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])", Options, TimeoutMs)]
    private static partial Regex AwsSecretAccessKey();

    [GeneratedRegex(@"(?i)(?:aws_?)?(?:session|security)_?token[""']?\s*(?::|=>|=)\s*[""']?(?<secret>[A-Za-z0-9/+=]{100,2000})", Options, TimeoutMs)]
    private static partial Regex AwsSessionToken();

    [GeneratedRegex(@"amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", Options, TimeoutMs)]
    private static partial Regex AwsMwsKey();

    [GeneratedRegex(@"""type""\s*:\s*""service_account""(?=[\s\S]{0,4000}""private_key"")", Options, TimeoutMs)]
    private static partial Regex GcpServiceAccount();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])(?<secret>AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex GcpApiKey();

    [GeneratedRegex(@"(?<secret>GOCSPX-[A-Za-z0-9_-]{28})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex GcpOauthClientSecret();

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?<secret>ya29\.[0-9A-Za-z_-]{30,400})", Options, TimeoutMs)]
    private static partial Regex GoogleOauthAccessToken();

    [GeneratedRegex(@"(?i)AccountKey\s*=\s*(?<secret>[A-Za-z0-9+/]{86}==)", Options, TimeoutMs)]
    private static partial Regex AzureStorageAccountKey();

    [GeneratedRegex(@"(?i)\bsv=\d{4}-\d\d-\d\d[^\s""'<>]{0,300}?[?&]sig=(?<secret>[A-Za-z0-9%+/]{40,100}(?:%3D|=){0,2})", Options, TimeoutMs)]
    private static partial Regex AzureSasToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9_~.-])(?<secret>[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])", Options, TimeoutMs)]
    private static partial Regex AzureAdClientSecret();

    [GeneratedRegex(@"(?i)Endpoint=sb://[^;\s]{3,200};\s*SharedAccessKeyName=[^;\s]{1,200};\s*SharedAccessKey=(?<secret>[A-Za-z0-9+/=]{43,44})", Options, TimeoutMs)]
    private static partial Regex AzureServiceBusKey();

    [GeneratedRegex(@"(?i)Endpoint=https://[^;\s]{1,200}\.azconfig\.io;\s*Id=[^;\s]{1,200};\s*Secret=(?<secret>[A-Za-z0-9+/=]{40,100})", Options, TimeoutMs)]
    private static partial Regex AzureAppConfigConnectionString();

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?<secret>[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4})(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex AzureDevopsPat();

    [GeneratedRegex(@"(?i)AccountEndpoint=https://[^;\s]{1,200}\.documents\.azure\.com[^;\s]{0,20};\s*AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)", Options, TimeoutMs)]
    private static partial Regex AzureCosmosdbKey();

    [GeneratedRegex(@"(?<secret>ghp_[0-9A-Za-z]{36})(?![0-9A-Za-z])", Options, TimeoutMs)]
    private static partial Regex GithubPat();

    [GeneratedRegex(@"(?<secret>gho_[0-9A-Za-z]{36})(?![0-9A-Za-z])", Options, TimeoutMs)]
    private static partial Regex GithubOauth();

    [GeneratedRegex(@"(?<secret>(?:ghu|ghs)_[0-9A-Za-z]{36})(?![0-9A-Za-z])", Options, TimeoutMs)]
    private static partial Regex GithubAppToken();

    [GeneratedRegex(@"(?<secret>ghr_[0-9A-Za-z]{36,76})(?![0-9A-Za-z])", Options, TimeoutMs)]
    private static partial Regex GithubRefreshToken();

    [GeneratedRegex(@"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}", Options, TimeoutMs)]
    private static partial Regex GithubFineGrainedPat();

    [GeneratedRegex(@"(?<secret>glpat-[0-9A-Za-z_-]{20,})(?![0-9A-Za-z_-])", Options, TimeoutMs)]
    private static partial Regex GitlabPat();

    [GeneratedRegex(@"glptt-[0-9a-f]{40}", Options, TimeoutMs)]
    private static partial Regex GitlabPipelineTriggerToken();

    [GeneratedRegex(@"GR1348941[0-9A-Za-z_-]{20}", Options, TimeoutMs)]
    private static partial Regex GitlabRunnerRegistrationToken();

    [GeneratedRegex(@"glrt-[0-9A-Za-z_-]{20,}", Options, TimeoutMs)]
    private static partial Regex GitlabRunnerAuthToken();

    [GeneratedRegex(@"gldt-[0-9A-Za-z_-]{20,}", Options, TimeoutMs)]
    private static partial Regex GitlabDeployToken();

    [GeneratedRegex(@"glft-[0-9A-Za-z_-]{20,}", Options, TimeoutMs)]
    private static partial Regex GitlabFeedToken();

    [GeneratedRegex(@"glsoat-[0-9A-Za-z_-]{20,}", Options, TimeoutMs)]
    private static partial Regex GitlabScimToken();

    [GeneratedRegex(@"glimt-[0-9A-Za-z_-]{25}", Options, TimeoutMs)]
    private static partial Regex GitlabIncomingMailToken();

    [GeneratedRegex(@"glagent-[0-9A-Za-z_-]{50}", Options, TimeoutMs)]
    private static partial Regex GitlabAgentToken();

    [GeneratedRegex(@"gloas-[0-9A-Za-z_-]{64}", Options, TimeoutMs)]
    private static partial Regex GitlabOauthAppSecret();

    [GeneratedRegex(@"glcbt-[0-9A-Za-z_]{1,5}_[0-9A-Za-z_-]{20}", Options, TimeoutMs)]
    private static partial Regex GitlabCicdJobToken();

    [GeneratedRegex(@"(?i)\bbitbucket[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9]{32})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex BitbucketClientId();

    [GeneratedRegex(@"(?i)\bbitbucket[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9_-]{64})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex BitbucketClientSecret();

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?<secret>ATBB[A-Za-z0-9_=.-]{28,60})(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex BitbucketAppPassword();

    [GeneratedRegex(@"ATATT3[A-Za-z0-9_=-]{180,200}", Options, TimeoutMs)]
    private static partial Regex AtlassianApiToken();

    [GeneratedRegex(@"(?i)\batlassian[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9]{24})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex AtlassianApiTokenAssignment();

    [GeneratedRegex(@"(?i)\b(?:jira|confluence)[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9]{24})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex JiraApiToken();

    [GeneratedRegex(@"(?<secret>xox[abeoprs]-[0-9A-Za-z-]{10,250})", Options, TimeoutMs)]
    private static partial Regex SlackAccessToken();

    [GeneratedRegex(@"(?i)xapp-\d-[A-Z0-9]{4,20}-\d{4,20}-[a-z0-9]{20,100}", Options, TimeoutMs)]
    private static partial Regex SlackAppToken();

    [GeneratedRegex(@"(?i)xoxe\.xox[bp]-\d-[A-Z0-9]{160,170}", Options, TimeoutMs)]
    private static partial Regex SlackConfigToken();

    [GeneratedRegex(@"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{40,60}", Options, TimeoutMs)]
    private static partial Regex SlackWebHook();

    [GeneratedRegex(@"(?i)(?<![a-z0-9])(?<secret>sk_(?:test|live)_[0-9a-z]{10,99})(?![a-z0-9])", Options, TimeoutMs)]
    private static partial Regex StripeSecretToken();

    [GeneratedRegex(@"(?i)(?<![a-z0-9])(?<secret>rk_(?:test|live)_[0-9a-z]{20,99})(?![a-z0-9])", Options, TimeoutMs)]
    private static partial Regex StripeRestrictedKey();

    [GeneratedRegex(@"(?i)(?<![a-z0-9])(?<secret>pk_(?:test|live)_[0-9a-z]{10,99})(?![a-z0-9])", Options, TimeoutMs)]
    private static partial Regex StripePublishableToken();

    [GeneratedRegex(@"(?<secret>whsec_[A-Za-z0-9]{32,64})(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex StripeWebhookSecret();

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?<secret>SK[0-9a-fA-F]{32})(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex TwilioApiKey();

    [GeneratedRegex(@"(?i)\btwilio[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-f0-9]{32})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex TwilioAuthToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex SendgridApiToken();

    [GeneratedRegex(@"(?i)\bmailgun[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>key-[a-f0-9]{32})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex MailgunPrivateApiToken();

    [GeneratedRegex(@"(?i)(?<![a-z0-9])pubkey-[a-f0-9]{32}(?![a-z0-9])", Options, TimeoutMs)]
    private static partial Regex MailgunPubKey();

    [GeneratedRegex(@"(?i)\bmailgun[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex MailgunSigningKey();

    [GeneratedRegex(@"(?<![0-9a-f])(?<secret>[0-9a-f]{32}-us[0-9]{1,2})(?![0-9a-z])", Options, TimeoutMs)]
    private static partial Regex MailchimpApiKey();

    [GeneratedRegex(@"(?i)mandrill[a-z0-9_ .,-]{0,25}(?:=|:|=>)\s{0,5}[""']?(?<secret>[A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex MandrillApiKey();

    [GeneratedRegex(@"xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}", Options, TimeoutMs)]
    private static partial Regex SendinblueApiToken();

    [GeneratedRegex(@"(?i)\bmailjet[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-f0-9]{32})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex MailjetApiKey();

    [GeneratedRegex(@"(?i)postmark[a-z0-9_ .,-]{0,25}(?:=|:|=>)\s{0,5}[""']?(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", Options, TimeoutMs)]
    private static partial Regex PostmarkServerToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?<secret>npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex NpmAccessToken();

    [GeneratedRegex(@"(?i)_authToken\s*=\s*[""']?(?!npm_)(?<secret>[A-Za-z0-9_.+/=:-]{20,200})", Options, TimeoutMs)]
    private static partial Regex NpmrcAuthToken();

    [GeneratedRegex(@"(?i)(?<![a-z0-9])_auth\s*=\s*[""']?(?<secret>[A-Za-z0-9+/]{12,200}={0,2})", Options, TimeoutMs)]
    private static partial Regex NpmrcAuth();

    [GeneratedRegex(@"pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000}", Options, TimeoutMs)]
    private static partial Regex PypiUploadToken();

    [GeneratedRegex(@"(?<![a-z0-9])(?<secret>oy2[a-z0-9]{43})(?![a-z0-9])", Options, TimeoutMs)]
    private static partial Regex NugetApiKey();

    [GeneratedRegex(@"(?i)key\s*=\s*""ClearTextPassword""\s+value\s*=\s*""(?<secret>[^""]{4,200})\""", Options, TimeoutMs)]
    private static partial Regex NugetConfigPassword();

    [GeneratedRegex(@"rubygems_[a-f0-9]{48}", Options, TimeoutMs)]
    private static partial Regex RubygemsApiToken();

    [GeneratedRegex(@"(?i)CLOJARS_[a-z0-9]{60}", Options, TimeoutMs)]
    private static partial Regex ClojarsApiToken();

    [GeneratedRegex(@"packagist_[ou][ru]t_[a-f0-9]{68}", Options, TimeoutMs)]
    private static partial Regex PrivatePackagistToken();

    [GeneratedRegex(@"(?<![a-z0-9])pul-[a-f0-9]{40}(?![a-z0-9])", Options, TimeoutMs)]
    private static partial Regex PulumiApiToken();

    [GeneratedRegex(@"dckr_pat_[A-Za-z0-9_-]{27}", Options, TimeoutMs)]
    private static partial Regex DockerhubPat();

    [GeneratedRegex(@"""auths""\s*:\s*\{[\s\S]{0,2000}?""(?:auth|identitytoken)""\s*:\s*""(?<secret>[A-Za-z0-9+/=._-]{8,4096})\""", Options, TimeoutMs)]
    private static partial Regex DockerConfigAuth();

    [GeneratedRegex(@"(?<![A-Za-z0-9])AKCp[A-Za-z0-9]{69}(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex JfrogApiKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9])cmVmdGtu[A-Za-z0-9]{56}(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex JfrogIdentityToken();

    [GeneratedRegex(@"(?<![a-z0-9])(?:squ|sqp|sqa)_[a-f0-9]{40}(?![a-f0-9])", Options, TimeoutMs)]
    private static partial Regex SonarqubeToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])(?<secret>eyJ[A-Za-z0-9_-]{10,2000}\.eyJ[A-Za-z0-9_-]{10,4000}\.[A-Za-z0-9_-]{10,2000})", Options, TimeoutMs)]
    private static partial Regex KubernetesServiceAccountToken();

    [GeneratedRegex(@"(?i)client-key-data\s*:\s*[\""']?(?<secret>[A-Za-z0-9+/=]{40,20000})", Options, TimeoutMs)]
    private static partial Regex KubeconfigClientKey();

    [GeneratedRegex(@"(?m)^users:\s*\n[\s\S]{0,1500}?\n\s+token:\s*[""']?(?<secret>[A-Za-z0-9._~+/=-]{20,4096})", Options, TimeoutMs)]
    private static partial Regex KubeconfigUserToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])(?<secret>eyJ[A-Za-z0-9_-]{10,2000}\.eyJ[A-Za-z0-9_-]{10,4000}\.(?:[A-Za-z0-9_-]{10,2000})?)", Options, TimeoutMs)]
    private static partial Regex JwtToken();

    [GeneratedRegex(@"-----BEGIN (?:RSA |EC |DSA |ENCRYPTED |ED25519 )?PRIVATE KEY-----\s*(?<secret>[A-Za-z0-9+/=\s:,\\-]{64,20000}?)\s*-----END (?:RSA |EC |DSA |ENCRYPTED |ED25519 )?PRIVATE KEY-----", Options, TimeoutMs)]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"-----BEGIN OPENSSH PRIVATE KEY-----\s*(?<secret>[A-Za-z0-9+/=\s]{64,20000}?)\s*-----END OPENSSH PRIVATE KEY-----", Options, TimeoutMs)]
    private static partial Regex OpensshPrivateKey();

    [GeneratedRegex(@"-----BEGIN PGP PRIVATE KEY BLOCK-----\s*(?<secret>[A-Za-z0-9+/=\s:.,()@<>-]{64,60000}?)\s*-----END PGP PRIVATE KEY BLOCK-----", Options, TimeoutMs)]
    private static partial Regex PgpPrivateKey();

    [GeneratedRegex(@"PuTTY-User-Key-File-\d:[^\n]{1,100}\n[\s\S]{0,4000}?Private-Lines:\s*\d+\s*\n(?<secret>[A-Za-z0-9+/=\s]{40,8000}?)\s*Private-MAC:", Options, TimeoutMs)]
    private static partial Regex PuttyPrivateKey();

    [GeneratedRegex(@"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}", Options, TimeoutMs)]
    private static partial Regex AgeSecretKey();

    [GeneratedRegex(@"(?m)^[a-z_][a-z0-9_.-]{0,31}:(?<secret>\$(?:1|2[abxy]|5|6|y|gy|7)\$[^:\s]{8,200}):\d*:", Options, TimeoutMs)]
    private static partial Regex LinuxShadowHash();

    [GeneratedRegex(@"(?:^|/)(?:shadow|shadow-|gshadow)$", Options)]
    private static partial Regex LinuxShadowHashPath();

    [GeneratedRegex(@"(?m)^[^:\s#]{1,64}:(?<secret>(?:\$apr1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}|\$2[aby]\$\d\d\$[./0-9A-Za-z]{53}|\{SHA\}[A-Za-z0-9+/]{27}=))", Options, TimeoutMs)]
    private static partial Regex HtpasswdHash();

    [GeneratedRegex(@"(?i)htpasswd|\.htpasswd$|passwd$", Options)]
    private static partial Regex HtpasswdHashPath();

    [GeneratedRegex(@"(?i)(?:jdbc:)?(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|cockroachdb|clickhouse|neo4j|couchdb)://[^\s:@/""'<>]{0,64}:(?<secret>[^\s@/""'<>]{3,128})@[^\s/""'<>]{2,}", Options, TimeoutMs)]
    private static partial Regex DatabaseConnectionUrl();

    [GeneratedRegex(@"(?i)\b(?:https?|ftps?|sftp|smtps?|ldaps?|git|svn|ssh|ws|wss)://[^\s:@/""'<>]{1,64}:(?<secret>[^\s@/""'<>]{3,128})@[A-Za-z0-9][^\s/""'<>]{1,}", Options, TimeoutMs)]
    private static partial Regex UrlBasicAuth();

    [GeneratedRegex(@"shp(?:ss|at|ca|pa)_[a-fA-F0-9]{32}", Options, TimeoutMs)]
    private static partial Regex ShopifyToken();

    [GeneratedRegex(@"(?i)heroku[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12})", Options, TimeoutMs)]
    private static partial Regex HerokuApiKey();

    [GeneratedRegex(@"HRKU-[A-Za-z0-9_-]{60}", Options, TimeoutMs)]
    private static partial Regex HerokuApiKeyV2();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?<secret>hf_[A-Za-z0-9]{34,40})(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex HuggingFaceAccessToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?<secret>api_org_[A-Za-z0-9]{34})(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex HuggingFaceOrgToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])(?<secret>sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,160}T3BlbkFJ[A-Za-z0-9_-]{20,160})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex OpenaiApiKey();

    [GeneratedRegex(@"sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,100}AA", Options, TimeoutMs)]
    private static partial Regex AnthropicApiKey();

    [GeneratedRegex(@"(?<![a-z0-9])(?<secret>dapi[a-h0-9]{32}(?:-\d)?)(?![a-z0-9])", Options, TimeoutMs)]
    private static partial Regex DatabricksApiToken();

    [GeneratedRegex(@"(?i)\bdiscord[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-h0-9]{64})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex DiscordApiToken();

    [GeneratedRegex(@"(?i)\bdiscord[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[0-9]{18})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex DiscordClientId();

    [GeneratedRegex(@"(?i)\bdiscord[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9=_-]{32})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex DiscordClientSecret();

    [GeneratedRegex(@"(?i)https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{5,30}/[A-Za-z0-9_-]{60,70}", Options, TimeoutMs)]
    private static partial Regex DiscordWebhook();

    [GeneratedRegex(@"(?i)dropbox[a-z0-9_ .,-]{0,25}(?:=|:|=>)\s{0,5}[""']?(?<secret>sl\.[A-Za-z0-9_-]{130,160}|[a-z0-9]{11}AAAAAAAAAA[a-z0-9_=-]{43})", Options, TimeoutMs)]
    private static partial Regex DropboxApiToken();

    [GeneratedRegex(@"duffel_(?:test|live)_[A-Za-z0-9_=-]{43}", Options, TimeoutMs)]
    private static partial Regex DuffelApiToken();

    [GeneratedRegex(@"dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}", Options, TimeoutMs)]
    private static partial Regex DynatraceApiToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9])EZ[AT]K[A-Za-z0-9]{54}(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex EasypostApiToken();

    [GeneratedRegex(@"(?i)\bfastly[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9=_-]{32})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex FastlyApiToken();

    [GeneratedRegex(@"(?i)\bfinicity[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-f0-9]{32})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex FinicityApiToken();

    [GeneratedRegex(@"FLWSECK(?:_TEST)?-[a-h0-9]{32}-X", Options, TimeoutMs)]
    private static partial Regex FlutterwaveSecretKey();

    [GeneratedRegex(@"FLWSECK_TEST[a-h0-9]{12}(?![a-h0-9-])", Options, TimeoutMs)]
    private static partial Regex FlutterwaveEncryptionKey();

    [GeneratedRegex(@"fio-u-[A-Za-z0-9_=-]{64}", Options, TimeoutMs)]
    private static partial Regex FrameioApiToken();

    [GeneratedRegex(@"(?i)gocardless[a-z0-9_ .,-]{0,25}(?:=|:|=>)\s{0,5}[""']?(?<secret>live_[A-Za-z0-9_=-]{40})", Options, TimeoutMs)]
    private static partial Regex GocardlessApiToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9])eyJrIjoi[A-Za-z0-9]{70,400}={0,2}", Options, TimeoutMs)]
    private static partial Regex GrafanaApiKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9])glc_[A-Za-z0-9+/]{32,400}={0,2}", Options, TimeoutMs)]
    private static partial Regex GrafanaCloudApiToken();

    [GeneratedRegex(@"glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}", Options, TimeoutMs)]
    private static partial Regex GrafanaServiceAccountToken();

    [GeneratedRegex(@"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}", Options, TimeoutMs)]
    private static partial Regex HashicorpTfApiToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9])hv[sb]\.[A-Za-z0-9_-]{90,200}", Options, TimeoutMs)]
    private static partial Regex HashicorpVaultToken();

    [GeneratedRegex(@"(?i)dp\.pt\.[a-z0-9]{43}", Options, TimeoutMs)]
    private static partial Regex DopplerApiToken();

    [GeneratedRegex(@"(?i)\bhubspot[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex HubspotApiKey();

    [GeneratedRegex(@"(?i)\bintercom[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9=_-]{60})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex IntercomApiToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9])ion_[a-z0-9]{42}(?![a-z0-9])", Options, TimeoutMs)]
    private static partial Regex IonicApiToken();

    [GeneratedRegex(@"lin_api_[A-Za-z0-9]{40}", Options, TimeoutMs)]
    private static partial Regex LinearApiToken();

    [GeneratedRegex(@"(?i)\blob[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>(?:live|test)_[a-f0-9]{35})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex LobApiKey();

    [GeneratedRegex(@"(?i)(?<![a-z0-9])sk\.eyJ1[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}", Options, TimeoutMs)]
    private static partial Regex MapboxSecretToken();

    [GeneratedRegex(@"(?i)\bmessagebird[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9]{25})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex MessagebirdApiToken();

    [GeneratedRegex(@"NRAK-[A-Z0-9]{27}", Options, TimeoutMs)]
    private static partial Regex NewRelicUserApiKey();

    [GeneratedRegex(@"NRJS-[a-f0-9]{19}", Options, TimeoutMs)]
    private static partial Regex NewRelicBrowserApiToken();

    [GeneratedRegex(@"NRII-[A-Za-z0-9_-]{32}", Options, TimeoutMs)]
    private static partial Regex NewRelicInsertKey();

    [GeneratedRegex(@"pscale_(?:pw|tkn|oauth)_[A-Za-z0-9_.=-]{32,64}", Options, TimeoutMs)]
    private static partial Regex PlanetscaleToken();

    [GeneratedRegex(@"PMAK-[a-f0-9]{24}-[a-f0-9]{34}", Options, TimeoutMs)]
    private static partial Regex PostmanApiToken();

    [GeneratedRegex(@"shippo_(?:live|test)_[a-f0-9]{40}", Options, TimeoutMs)]
    private static partial Regex ShippoApiToken();

    [GeneratedRegex(@"(?i)\blinkedin[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9]{14,16})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex LinkedinClientSecret();

    [GeneratedRegex(@"(?i)\btwitch[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9]{30})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex TwitchApiToken();

    [GeneratedRegex(@"tfp_[A-Za-z0-9_.=-]{59}", Options, TimeoutMs)]
    private static partial Regex TypeformApiToken();

    [GeneratedRegex(@"(?i)\bfacebook[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-f0-9]{32})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex FacebookToken();

    [GeneratedRegex(@"EAACEdEose0cBA[0-9A-Za-z]{20,}", Options, TimeoutMs)]
    private static partial Regex FacebookAccessToken();

    [GeneratedRegex(@"(?i)\btwitter[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-f0-9]{35,44})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex TwitterToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9%])AAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{30,120}", Options, TimeoutMs)]
    private static partial Regex TwitterBearerToken();

    [GeneratedRegex(@"(?i)\badobe[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-f0-9]{32})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex AdobeClientId();

    [GeneratedRegex(@"(?i)(?<![a-z0-9])p8e-[a-z0-9]{32}(?![a-z0-9])", Options, TimeoutMs)]
    private static partial Regex AdobeClientSecret();

    [GeneratedRegex(@"(?<![0-9A-Za-z])(?<secret>LTAI[A-Za-z0-9]{20})(?![0-9A-Za-z])", Options, TimeoutMs)]
    private static partial Regex AlibabaAccessKeyId();

    [GeneratedRegex(@"(?i)\balibaba[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9]{30})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex AlibabaSecretKey();

    [GeneratedRegex(@"(?i)\basana[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[0-9]{16})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex AsanaClientId();

    [GeneratedRegex(@"(?i)\basana[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9]{32})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex AsanaClientSecret();

    [GeneratedRegex(@"(?i)\bbeamer[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>b_[a-z0-9=_-]{44})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex BeamerApiToken();

    [GeneratedRegex(@"(?i)\bcontentful[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9=_-]{43})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex ContentfulDeliveryApiToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?:sq0atp-[0-9A-Za-z_-]{22}|EAAA[A-Za-z0-9_+=-]{60})(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex SquareAccessToken();

    [GeneratedRegex(@"sq0csp-[0-9A-Za-z_-]{43}", Options, TimeoutMs)]
    private static partial Regex SquareOauthSecret();

    [GeneratedRegex(@"access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32}", Options, TimeoutMs)]
    private static partial Regex BraintreeAccessToken();

    [GeneratedRegex(@"do[por]_v1_[a-f0-9]{64}", Options, TimeoutMs)]
    private static partial Regex DigitaloceanToken();

    [GeneratedRegex(@"(?i)\bcloudflare[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9_-]{40})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex CloudflareApiToken();

    [GeneratedRegex(@"(?i)\bcloudflare[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-f0-9]{37})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex CloudflareGlobalApiKey();

    [GeneratedRegex(@"sntrys_eyJpYXQiO[A-Za-z0-9+/=_-]{50,300}|sntryu_[a-f0-9]{64}", Options, TimeoutMs)]
    private static partial Regex SentryToken();

    [GeneratedRegex(@"(?i)\b(?:datadog|dd)_?(?:api|app)_?key[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-f0-9]{32,40})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex DatadogApiKey();

    [GeneratedRegex(@"(?i)dd_ap[ip]_key[""']?\s*(?::|=>|=)\s*[""']?(?<secret>[a-f0-9]{32,40})(?![a-f0-9])", Options, TimeoutMs)]
    private static partial Regex DdApiKey();

    [GeneratedRegex(@"(?<![0-9])(?<secret>[0-9]{8,10}:AA[0-9A-Za-z_-]{33})(?![0-9A-Za-z_-])", Options, TimeoutMs)]
    private static partial Regex TelegramBotToken();

    [GeneratedRegex(@"(?i)\bokta[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>00[A-Za-z0-9_-]{40})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex OktaApiToken();

    [GeneratedRegex(@"(?i)\bcircle(?:ci)?[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-f0-9]{40})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex CircleciApiToken();

    [GeneratedRegex(@"(?i)\bsnyk[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex SnykApiToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9])pnu_[A-Za-z0-9]{36}(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex PrefectApiToken();

    [GeneratedRegex(@"rdme_[a-z0-9]{70}", Options, TimeoutMs)]
    private static partial Regex ReadmeApiToken();

    [GeneratedRegex(@"tk-us-[A-Za-z0-9_-]{48}", Options, TimeoutMs)]
    private static partial Regex ScalingoApiToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9])ico-[A-Za-z0-9]{32}(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex InfracostApiToken();

    [GeneratedRegex(@"(?i)FlyV1 fm[12]_[A-Za-z0-9+/=,_-]{100,2000}", Options, TimeoutMs)]
    private static partial Regex FlyioAccessToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9])sbp_[a-f0-9]{40}(?![a-f0-9])", Options, TimeoutMs)]
    private static partial Regex SupabaseAccessToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9])ntn_[0-9]{11}[A-Za-z0-9]{35}(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex NotionApiToken();

    [GeneratedRegex(@"(?i)\bnetlify[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9=_-]{40,46})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex NetlifyAccessToken();

    [GeneratedRegex(@"(?i)\bzendesk[a-z0-9_ .,-]{0,25}(?:=|>|:=|\|\|:|<=|=>|:)\s{0,5}[""']?(?<secret>[a-z0-9]{40})(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex ZendeskSecretKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9])AQVN[A-Za-z0-9_-]{35,38}(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex YandexApiKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9])t1\.[A-Z0-9a-z_-]+[=]{0,2}\.[A-Z0-9a-z_-]{86}[=]{0,2}(?![A-Za-z0-9_-])", Options, TimeoutMs)]
    private static partial Regex YandexIamToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9])pplx-[A-Za-z0-9]{48}(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex PerplexityApiKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9])gsk_[A-Za-z0-9]{52}(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex GroqApiKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9])r8_[A-Za-z0-9]{37}(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex ReplicateApiToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9])mdb_sa_sk_[A-Za-z0-9_-]{40}(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex MongodbAtlasKey();

    [GeneratedRegex(@"(?i)algolia[a-z0-9_ .,-]{0,25}(?:=|:|=>)\s{0,5}[""']?(?<secret>[a-z0-9]{32})(?![a-z0-9])", Options, TimeoutMs)]
    private static partial Regex AlgoliaApiKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9])cmVmd[A-Za-z0-9]{59}(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex ArtifactoryReferenceToken();

    [GeneratedRegex(@"(?i)(?<![a-z])(?:password|passwd|pwd)(?:[_.-]?[a-z0-9]{0,12})?[""']?\s*(?::=|=>|==|=|:)\s*[""']?(?<secret>(?>[^\s""'`;,<>(){}\[\]]{8,128}))(?!\()", Options, TimeoutMs)]
    private static partial Regex GenericPassword();

    [GeneratedRegex(@"(?i)(?:api|secret|access|private|app|master|encryption|signing)[_-]?key[""']?\s*(?::=|=>|==|=|:)\s*[""']?(?<secret>[A-Za-z0-9_+/=.~-]{16,256})(?![A-Za-z0-9_+/=.~(-])", Options, TimeoutMs)]
    private static partial Regex GenericApiKey();

    [GeneratedRegex(@"(?i)(?<![a-z])(?:client[_-]?)?secret(?:[_.-]?[a-z0-9]{0,12})?[""']?\s*(?::=|=>|==|=|:)\s*[""']?(?<secret>[A-Za-z0-9_+/=.~!@#$%^&*-]{12,256})(?![A-Za-z0-9_+/=.~(-])", Options, TimeoutMs)]
    private static partial Regex GenericSecret();

    [GeneratedRegex(@"(?i)(?:auth|access|api|bearer|refresh|bot|session|secret|private)?[_-]?token[""']?\s*(?::=|=>|==|=|:)\s*[""']?(?<secret>[A-Za-z0-9_+/=.~-]{20,512})(?![A-Za-z0-9_+/=.~(-])", Options, TimeoutMs)]
    private static partial Regex GenericToken();

    [GeneratedRegex(@"(?i)authorization[""']?\s*[:=]\s*[""']?(?:bearer|basic|token)\s+(?<secret>[A-Za-z0-9_+/=.~-]{16,2048})", Options, TimeoutMs)]
    private static partial Regex AuthorizationHeader();

}
