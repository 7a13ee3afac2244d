namespace Seawall.Core.Model;

/// <summary>
/// One allowed connection under the input's NetworkPolicies, named as netpol-analyzer names them: workloads as
/// <c>ns/name[Kind]</c>, external ranges as <c>first-last[External]</c>, the ingress controller as
/// <c>{ingress-controller}</c>; <see cref="Conn"/> is <c>All Connections</c> or protocol groups (<c>TCP 80,UDP 53</c>).
/// </summary>
public sealed record Reachability(string Src, string Dst, string Conn);
