import RooftopHTTP
/// A sync with the hub failed. Local data is untouched: unsent changes stay in the outbox and
/// are offered again next time.
public struct SyncError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The hub did not answer (down, wrong address, network).
        public static let hubUnreachable = Code(rawValue: "HUB_UNREACHABLE")
        /// The TLS handshake failed (certificate not trusted, expired, or refused).
        public static let tls = Code(rawValue: "TLS")
        /// The hub answered with a problem (see ``problem``: `CLOCK_SKEW`, `ORIGIN_MISMATCH`, ...).
        public static let refused = Code(rawValue: "REFUSED")
        /// The hub's answer was not what the protocol says.
        public static let badResponse = Code(rawValue: "BAD_RESPONSE")
        /// The hub holds changes made as this rooftop that this replica, which has changes of its
        /// own, never made: two nodes share a rooftop id, or the replica was restored from an old copy.
        public static let ownHistoryMissing = Code(rawValue: "OWN_HISTORY_MISSING")
        /// This replica could not read, apply or record changes (see the message).
        public static let localFailure = Code(rawValue: "LOCAL_FAILURE")
        public var description: String { rawValue }
    }

    public let code: Code
    public let message: String
    /// The hub's RFC 9457 problem, for ``Code/refused``.
    public let problem: ProblemDetails?

    public init(_ code: Code, _ message: String, problem: ProblemDetails? = nil) {
        self.code = code
        self.message = message
        self.problem = problem
    }

    /// True when the hub answered (it refused, or answered something unexpected): the hub is
    /// reachable even though the sync failed. False when it could not be reached (network, TLS).
    public var hubAnswered: Bool { code == .refused || code == .badResponse || code == .ownHistoryMissing }

    /// The most specific code: the hub's problem code when refused (`CLOCK_SKEW`), else ``code``.
    public var reasonCode: String { problem?.code ?? code.rawValue }

    public var description: String { "\(reasonCode): \(message)" }
}
