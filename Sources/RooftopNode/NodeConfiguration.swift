import RooftopWire
import Foundation
import RooftopReplication

/// A rooftop node's settings, kept as `rooftop.json` in its data directory
/// (written by `rooftop node init`).
public struct NodeConfiguration: Codable, Sendable, Equatable {
    /// This rooftop's id; must match the CN of its certificate.
    public var rooftop: RooftopID
    /// The hub's base URL, `https://HOST:PORT`.
    public var hubURL: String
    /// The directory with `ca.pem`, `<rooftop>.pem` and `<rooftop>-key.pem`.
    public var certificates: String
    /// Address of the staff REST API (loopback by default: no staff authentication yet).
    public var apiHost: String
    /// Port of the staff REST API.
    public var apiPort: Int
    /// Seconds between background syncs while the hub answers.
    public var syncIntervalSeconds: Double
    /// Maximum accepted lead of a remote HLC over local time, ms (default 5 minutes).
    public var maxDriftMs: UInt64
    /// The retention horizon for compaction, days (nil: 90).
    public var retentionDays: Int?
    /// Further host names staff use to reach the REST API (besides loopback and `apiHost`): any
    /// other `Host` is refused (DNS rebinding, `BrowserGuardMiddleware`). Nil: none.
    public var apiHosts: [String]?

    public init(rooftop: RooftopID, hubURL: String, certificates: String, apiHost: String = "127.0.0.1", apiPort: Int = 8081,
                syncIntervalSeconds: Double = 5, maxDriftMs: UInt64 = HybridLogicalClock.defaultMaxDriftMilliseconds) {
        self.rooftop = rooftop
        self.hubURL = hubURL
        self.certificates = certificates
        self.apiHost = apiHost
        self.apiPort = apiPort
        self.syncIntervalSeconds = syncIntervalSeconds
        self.maxDriftMs = maxDriftMs
    }

    /// The file name in the data directory.
    public static let fileName = "rooftop.json"
    /// The replica's file name in the data directory.
    public static let replicaFileName = "replica.sqlite"

    /// Reads `rooftop.json` from `directory`; nil when there is none.
    /// - Throws: when the file exists but is not a valid configuration.
    public static func load(from directory: URL) throws -> NodeConfiguration? {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try JSONDecoder().decode(NodeConfiguration.self, from: Data(contentsOf: url))
    }

    /// Writes `rooftop.json` into `directory` (created if needed).
    public func save(to directory: URL) throws {
        try PrivateFiles.createDirectory(directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: directory.appendingPathComponent(Self.fileName), options: .atomic)
    }
}
