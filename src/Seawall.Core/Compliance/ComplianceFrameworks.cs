namespace Seawall.Core.Compliance;

/// <summary>
/// The frameworks `--compliance` knows, with their control tables. Titles are the benchmarks' own section and
/// recommendation names (recommendation titles without the "(Automated)"/"(Manual)" suffix); the tables list the
/// sections a Seawall check could cover, so the controls no check answers to show up as gaps.
/// </summary>
public static class ComplianceFrameworks
{
    private static ControlDefinition C(string id, string title) => new(id, title);

    /// <summary>
    /// CIS Kubernetes Benchmark. Section 5 (Policies) is the v1.9.0 list; the control-plane sections 1 to 4 are
    /// numbered as v1.6.0 numbers them (checkov's numbering, which the control-plane checks keep) and take the title
    /// of the check that answers to them.
    /// </summary>
    public static ComplianceFramework CisKubernetes { get; } = new("cis-k8s", "CIS Kubernetes Benchmark v1.9.0 (section 5; sections 1-4 as v1.6.0)", "CIS-K8s",
    [
        C("5.1.1", "Ensure that the cluster-admin role is only used where required"),
        C("5.1.2", "Minimize access to secrets"),
        C("5.1.3", "Minimize wildcard use in Roles and ClusterRoles"),
        C("5.1.4", "Minimize access to create pods"),
        C("5.1.5", "Ensure that default service accounts are not actively used"),
        C("5.1.6", "Ensure that Service Account Tokens are only mounted where necessary"),
        C("5.1.7", "Avoid use of system:masters group"),
        C("5.1.8", "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster"),
        C("5.1.9", "Minimize access to create persistent volumes"),
        C("5.1.10", "Minimize access to the proxy sub-resource of nodes"),
        C("5.1.11", "Minimize access to the approval sub-resource of certificatesigningrequests objects"),
        C("5.1.12", "Minimize access to webhook configuration objects"),
        C("5.1.13", "Minimize access to the service account token creation"),
        C("5.2.1", "Ensure that the cluster has at least one active policy control mechanism in place"),
        C("5.2.2", "Minimize the admission of privileged containers"),
        C("5.2.3", "Minimize the admission of containers wishing to share the host process ID namespace"),
        C("5.2.4", "Minimize the admission of containers wishing to share the host IPC namespace"),
        C("5.2.5", "Minimize the admission of containers wishing to share the host network namespace"),
        C("5.2.6", "Minimize the admission of containers with allowPrivilegeEscalation"),
        C("5.2.7", "Minimize the admission of root containers"),
        C("5.2.8", "Minimize the admission of containers with the NET_RAW capability"),
        C("5.2.9", "Minimize the admission of containers with added capabilities"),
        C("5.2.10", "Minimize the admission of containers with capabilities assigned"),
        C("5.2.11", "Minimize the admission of Windows HostProcess containers"),
        C("5.2.12", "Minimize the admission of HostPath volumes"),
        C("5.2.13", "Minimize the admission of containers which use HostPorts"),
        C("5.3.1", "Ensure that the CNI in use supports NetworkPolicies"),
        C("5.3.2", "Ensure that all Namespaces have NetworkPolicies defined"),
        C("5.4.1", "Prefer using Secrets as files over Secrets as environment variables"),
        C("5.4.2", "Consider external secret storage"),
        C("5.5.1", "Configure Image Provenance using ImagePolicyWebhook admission controller"),
        C("5.7.1", "Create administrative boundaries between resources using namespaces"),
        C("5.7.2", "Ensure that the seccomp profile is set to docker/default in your Pod definitions"),
        C("5.7.3", "Apply SecurityContext to your Pods and Containers"),
        C("5.7.4", "The default namespace should not be used"),
    ])
    {
        Sections = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["1"] = "Control Plane Security Configuration", ["1.1"] = "Control Plane Node Configuration Files", ["1.2"] = "API Server",
            ["1.3"] = "Controller Manager", ["1.4"] = "Scheduler", ["2"] = "Etcd Node Configuration", ["3"] = "Control Plane Configuration",
            ["4"] = "Worker Nodes", ["4.1"] = "Worker Node Configuration Files", ["4.2"] = "Kubelet", ["5"] = "Policies",
            ["5.1"] = "RBAC and Service Accounts", ["5.2"] = "Pod Security Standards", ["5.3"] = "Network Policies and CNI",
            ["5.4"] = "Secrets Management", ["5.5"] = "Extensible Admission Control", ["5.7"] = "General Policies",
        },
    };

    /// <summary>NSA/CISA Kubernetes Hardening Guide v1.2 (August 2022): its sections, named by slug.</summary>
    public static ComplianceFramework Nsa { get; } = new("nsa", "NSA/CISA Kubernetes Hardening Guide v1.2", "NSA/CISA",
    [
        C("non-root-containers", "Kubernetes Pod security: \"Non-root\" containers and \"rootless\" container engines"),
        C("immutable-filesystem", "Kubernetes Pod security: Immutable container file systems"),
        C("secure-images", "Kubernetes Pod security: Building secure container images"),
        C("pod-security", "Kubernetes Pod security: Pod security enforcement"),
        C("service-account-tokens", "Kubernetes Pod security: Protecting Pod service account tokens"),
        C("hardening-container-environments", "Kubernetes Pod security: Hardening container environments"),
        C("namespaces", "Network separation and hardening: Namespaces"),
        C("network-policies", "Network separation and hardening: Network policies"),
        C("resource-policies", "Network separation and hardening: Resource policies"),
        C("control-plane-hardening", "Network separation and hardening: Control plane hardening"),
        C("etcd", "Network separation and hardening: Etcd"),
        C("kubeconfig-files", "Network separation and hardening: Kubeconfig files"),
        C("worker-node-segmentation", "Network separation and hardening: Worker node segmentation"),
        C("encryption", "Network separation and hardening: Encryption"),
        C("secrets", "Network separation and hardening: Secrets"),
        C("cloud-infrastructure", "Network separation and hardening: Protecting sensitive cloud infrastructure"),
        C("authentication", "Authentication and authorization: Authentication"),
        C("rbac", "Authentication and authorization: Role-based access control"),
        C("audit-logging", "Audit logging and threat detection: Kubernetes native audit logging configuration"),
        C("node-container-logging", "Audit logging and threat detection: Worker node and container logging"),
        C("seccomp-audit", "Audit logging and threat detection: Seccomp: audit mode"),
        C("threat-detection", "Audit logging and threat detection: Threat detection"),
        C("upgrading", "Upgrading and application security practices"),
    ])
    {
        Numbered = false,
    };

    /// <summary>NIST SP 800-190 (Application Container Security Guide), section 4: countermeasures for major risks.</summary>
    public static ComplianceFramework Nist800190 { get; } = new("nist-800-190", "NIST SP 800-190, section 4 (countermeasures for major risks)", "NIST-800-190",
    [
        C("4.1.1", "Image vulnerabilities"),
        C("4.1.2", "Image configuration defects"),
        C("4.1.3", "Embedded malware"),
        C("4.1.4", "Embedded clear text secrets"),
        C("4.1.5", "Use of untrusted images"),
        C("4.2.1", "Insecure connections to registries"),
        C("4.2.2", "Stale images in registries"),
        C("4.2.3", "Insufficient authentication and authorization restrictions"),
        C("4.3.1", "Unbounded administrative access"),
        C("4.3.2", "Unauthorized access"),
        C("4.3.3", "Poorly separated inter-container network traffic"),
        C("4.3.4", "Mixing of workload sensitivity levels"),
        C("4.3.5", "Orchestrator node trust"),
        C("4.4.1", "Vulnerabilities within the runtime software"),
        C("4.4.2", "Unbounded network access from containers"),
        C("4.4.3", "Insecure container runtime configurations"),
        C("4.4.4", "App vulnerabilities"),
        C("4.4.5", "Rogue containers"),
        C("4.5.1", "Large attack surface"),
        C("4.5.2", "Shared kernel"),
        C("4.5.3", "Host OS component vulnerabilities"),
        C("4.5.4", "Improper user access rights"),
        C("4.5.5", "Host OS file system tampering"),
        C("4.6", "Hardware countermeasures"),
    ])
    {
        Sections = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["4"] = "Countermeasures for major risks", ["4.1"] = "Image countermeasures", ["4.2"] = "Registry countermeasures",
            ["4.3"] = "Orchestrator countermeasures", ["4.4"] = "Container countermeasures", ["4.5"] = "Host OS countermeasures",
        },
    };

    /// <summary>CIS Docker Benchmark v1.6.0, sections 1 to 5 (host, daemon, daemon files, images, container runtime).</summary>
    public static ComplianceFramework CisDocker { get; } = new("cis-docker", "CIS Docker Benchmark v1.6.0 (sections 1-5)", "CIS-Docker",
    [
        C("1.1.1", "Ensure a separate partition for containers has been created"),
        C("1.1.2", "Ensure only trusted users are allowed to control Docker daemon"),
        C("1.1.3", "Ensure auditing is configured for the Docker daemon"),
        C("1.1.4", "Ensure auditing is configured for Docker files and directories - /run/containerd"),
        C("1.1.5", "Ensure auditing is configured for Docker files and directories - /var/lib/docker"),
        C("1.1.6", "Ensure auditing is configured for Docker files and directories - /etc/docker"),
        C("1.1.7", "Ensure auditing is configured for Docker files and directories - docker.service"),
        C("1.1.8", "Ensure auditing is configured for Docker files and directories - containerd.sock"),
        C("1.1.9", "Ensure auditing is configured for Docker files and directories - docker.socket"),
        C("1.1.10", "Ensure auditing is configured for Docker files and directories - /etc/default/docker"),
        C("1.1.11", "Ensure auditing is configured for Docker files and directories - /etc/docker/daemon.json"),
        C("1.1.12", "Ensure auditing is configured for Docker files and directories - /etc/containerd/config.toml"),
        C("1.1.13", "Ensure auditing is configured for Docker files and directories - /etc/sysconfig/docker"),
        C("1.1.14", "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd"),
        C("1.1.15", "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim"),
        C("1.1.16", "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim-runc-v1"),
        C("1.1.17", "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim-runc-v2"),
        C("1.1.18", "Ensure auditing is configured for Docker files and directories - /usr/bin/runc"),
        C("1.2.1", "Ensure the container host has been Hardened"),
        C("1.2.2", "Ensure that the version of Docker is up to date"),
        C("2.1", "Run the Docker daemon as a non-root user, if possible"),
        C("2.2", "Ensure network traffic is restricted between containers on the default bridge"),
        C("2.3", "Ensure the logging level is set to 'info'"),
        C("2.4", "Ensure Docker is allowed to make changes to iptables"),
        C("2.5", "Ensure insecure registries are not used"),
        C("2.6", "Ensure aufs storage driver is not used"),
        C("2.7", "Ensure TLS authentication for Docker daemon is configured"),
        C("2.8", "Ensure the default ulimit is configured appropriately"),
        C("2.9", "Enable user namespace support"),
        C("2.10", "Ensure the default cgroup usage has been confirmed"),
        C("2.11", "Ensure base device size is not changed until needed"),
        C("2.12", "Ensure that authorization for Docker client commands is enabled"),
        C("2.13", "Ensure centralized and remote logging is configured"),
        C("2.14", "Ensure containers are restricted from acquiring new privileges"),
        C("2.15", "Ensure live restore is enabled"),
        C("2.16", "Ensure Userland Proxy is Disabled"),
        C("2.17", "Ensure that a daemon-wide custom seccomp profile is applied if appropriate"),
        C("2.18", "Ensure that experimental features are not implemented in production"),
        C("3.1", "Ensure that the docker.service file ownership is set to root:root"),
        C("3.2", "Ensure that docker.service file permissions are appropriately set"),
        C("3.3", "Ensure that docker.socket file ownership is set to root:root"),
        C("3.4", "Ensure that docker.socket file permissions are set to 644 or more restrictive"),
        C("3.5", "Ensure that the /etc/docker directory ownership is set to root:root"),
        C("3.6", "Ensure that /etc/docker directory permissions are set to 755 or more restrictively"),
        C("3.7", "Ensure that registry certificate file ownership is set to root:root"),
        C("3.8", "Ensure that registry certificate file permissions are set to 444 or more restrictively"),
        C("3.9", "Ensure that TLS CA certificate file ownership is set to root:root"),
        C("3.10", "Ensure that TLS CA certificate file permissions are set to 444 or more restrictively"),
        C("3.11", "Ensure that Docker server certificate file ownership is set to root:root"),
        C("3.12", "Ensure that the Docker server certificate file permissions are set to 444 or more restrictively"),
        C("3.13", "Ensure that the Docker server certificate key file ownership is set to root:root"),
        C("3.14", "Ensure that the Docker server certificate key file permissions are set to 400"),
        C("3.15", "Ensure that the Docker socket file ownership is set to root:docker"),
        C("3.16", "Ensure that the Docker socket file permissions are set to 660 or more restrictively"),
        C("3.17", "Ensure that the daemon.json file ownership is set to root:root"),
        C("3.18", "Ensure that daemon.json file permissions are set to 644 or more restrictive"),
        C("3.19", "Ensure that the /etc/default/docker file ownership is set to root:root"),
        C("3.20", "Ensure that the /etc/default/docker file permissions are set to 644 or more restrictively"),
        C("3.21", "Ensure that the /etc/sysconfig/docker file permissions are set to 644 or more restrictively"),
        C("3.22", "Ensure that the /etc/sysconfig/docker file ownership is set to root:root"),
        C("3.23", "Ensure that the Containerd socket file ownership is set to root:root"),
        C("3.24", "Ensure that the Containerd socket file permissions are set to 660 or more restrictively"),
        C("4.1", "Ensure that a user for the container has been created"),
        C("4.2", "Ensure that containers use only trusted base images"),
        C("4.3", "Ensure that unnecessary packages are not installed in the container"),
        C("4.4", "Ensure images are scanned and rebuilt to include security patches"),
        C("4.5", "Ensure Content trust for Docker is Enabled"),
        C("4.6", "Ensure that HEALTHCHECK instructions have been added to container images"),
        C("4.7", "Ensure update instructions are not used alone in the Dockerfile"),
        C("4.8", "Ensure setuid and setgid permissions are removed"),
        C("4.9", "Ensure that COPY is used instead of ADD in Dockerfiles"),
        C("4.10", "Ensure secrets are not stored in Dockerfiles"),
        C("4.11", "Ensure only verified packages are installed"),
        C("4.12", "Ensure all signed artifacts are validated"),
        C("5.1", "Ensure swarm mode is not Enabled, if not needed"),
        C("5.2", "Ensure that, if applicable, an AppArmor Profile is enabled"),
        C("5.3", "Ensure that, if applicable, SELinux security options are set"),
        C("5.4", "Ensure that Linux kernel capabilities are restricted within containers"),
        C("5.5", "Ensure that privileged containers are not used"),
        C("5.6", "Ensure sensitive host system directories are not mounted on containers"),
        C("5.7", "Ensure sshd is not run within containers"),
        C("5.8", "Ensure privileged ports are not mapped within containers"),
        C("5.9", "Ensure that only needed ports are open on the container"),
        C("5.10", "Ensure that the host's network namespace is not shared"),
        C("5.11", "Ensure that the memory usage for containers is limited"),
        C("5.12", "Ensure that CPU priority is set appropriately on containers"),
        C("5.13", "Ensure that the container's root filesystem is mounted as read only"),
        C("5.14", "Ensure that incoming container traffic is bound to a specific host interface"),
        C("5.15", "Ensure that the 'on-failure' container restart policy is set to '5'"),
        C("5.16", "Ensure that the host's process namespace is not shared"),
        C("5.17", "Ensure that the host's IPC namespace is not shared"),
        C("5.18", "Ensure that host devices are not directly exposed to containers"),
        C("5.19", "Ensure that the default ulimit is overwritten at runtime if needed"),
        C("5.20", "Ensure mount propagation mode is not set to shared"),
        C("5.21", "Ensure that the host's UTS namespace is not shared"),
        C("5.22", "Ensure the default seccomp profile is not Disabled"),
        C("5.23", "Ensure that docker exec commands are not used with the privileged option"),
        C("5.24", "Ensure that docker exec commands are not used with the user=root option"),
        C("5.25", "Ensure that cgroup usage is confirmed"),
        C("5.26", "Ensure that the container is restricted from acquiring additional privileges"),
        C("5.27", "Ensure that container health is checked at runtime"),
        C("5.28", "Ensure that Docker commands always make use of the latest version of their image"),
        C("5.29", "Ensure that the PIDs cgroup limit is used"),
        C("5.30", "Ensure that Docker's default bridge \"docker0\" is not used"),
        C("5.31", "Ensure that the host's user namespaces are not shared"),
        C("5.32", "Ensure that the Docker socket is not mounted inside any containers"),
    ])
    {
        Sections = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["1"] = "Host Configuration", ["1.1"] = "Linux Hosts Specific Configuration", ["1.2"] = "General Configuration",
            ["2"] = "Docker daemon configuration", ["3"] = "Docker daemon configuration files", ["4"] = "Container Images and Build File",
            ["5"] = "Container Runtime", ["6"] = "Docker Security Operations", ["7"] = "Docker Swarm Configuration",
        },
    };

    public static IReadOnlyList<ComplianceFramework> All { get; } = [CisKubernetes, Nsa, Nist800190, CisDocker];

    /// <summary>The framework `--compliance NAME` names, or null.</summary>
    public static ComplianceFramework? Find(string name) =>
        All.FirstOrDefault(f => string.Equals(f.Id, name.Trim(), StringComparison.OrdinalIgnoreCase));
}
