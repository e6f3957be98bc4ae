import Foundation

/// The host names the staff API answers to: the node's own (loopback, the address it is bound to,
/// and any names configured for it). A request naming any other `Host` is refused: a page of
/// another site that re-binds its DNS name to this node's address (DNS rebinding) would otherwise
/// read the CRM through the staff browser. See `sync-protocol/sync-exchange.md#staff-api-and-the-browser`.
public struct APIHostPolicy: Sendable, Equatable {
    /// Lower-case host names and addresses, without port or brackets.
    public let allowedHosts: Set<String>

    /// - Parameters:
    ///   - bindHost: the address the API listens on (`127.0.0.1`, `0.0.0.0`, a host name).
    ///   - extraHosts: further names staff use to reach this node (`rooftop-north.dealer.lan`).
    public init(bindHost: String = "127.0.0.1", extraHosts: [String] = []) {
        var hosts: Set<String> = ["localhost", "127.0.0.1", "::1"]
        for host in [bindHost] + extraHosts where !["0.0.0.0", "::", ""].contains(host) {
            hosts.insert(Self.normalised(host))
        }
        allowedHosts = hosts
    }

    /// Whether a `Host` header value (`name[:port]`, `[v6]:port`) names this node.
    public func allows(host header: String) -> Bool {
        guard let host = Self.hostPart(of: header) else { return false }
        return allowedHosts.contains(host)
    }

    /// The host of `name[:port]` or `[v6][:port]`, lower-cased, without brackets; nil when malformed.
    static func hostPart(of authority: String) -> String? {
        let text = authority.trimmingCharacters(in: .whitespaces).lowercased()
        if text.hasPrefix("[") {
            guard let end = text.firstIndex(of: "]") else { return nil }
            return String(text[text.index(after: text.startIndex)..<end])
        }
        let host = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return host.isEmpty ? nil : host
    }

    /// A configured name or address, as `hostPart` gives a `Host` header's (a bare IPv6 address has no brackets).
    static func normalised(_ host: String) -> String {
        host.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).lowercased()
    }
}
