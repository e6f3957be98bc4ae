import ArgumentParser
import Foundation
import RooftopNode
import RooftopReplication
import RooftopStore

/// `--data DIR`: the node's (or hub's) data directory, default `$ROOFTOP_DATA` or `./rooftop-data`.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory of the node or hub (default: $ROOFTOP_DATA or ./rooftop-data).")
    var data: String?

    var directory: URL {
        URL(fileURLWithPath: data ?? ProcessInfo.processInfo.environment["ROOFTOP_DATA"] ?? "rooftop-data")
    }

    var replicaPath: String { directory.appendingPathComponent(NodeConfiguration.replicaFileName).path }

    /// The node configuration; fails with a one-line reason when the directory is not a node.
    func configuration() throws -> NodeConfiguration {
        guard let configuration = try NodeConfiguration.load(from: directory) else {
            throw CLIError("\(directory.path) is not a rooftop node: run `rooftop node init --data \(directory.path) ...` first")
        }
        return configuration
    }

    /// Opens the replica in the data directory (a node's or the hub's).
    func openReplica() throws -> Replica {
        if let configuration = try NodeConfiguration.load(from: directory) {
            return try Replica(path: replicaPath, rooftop: configuration.rooftop, maxDriftMilliseconds: configuration.maxDriftMs)
        }
        guard FileManager.default.fileExists(atPath: replicaPath), let owner = try Replica.owner(ofReplicaAt: replicaPath) else {
            throw CLIError("no replica in \(directory.path): run `rooftop node init` (or `rooftop hub serve`) with --data \(directory.path)")
        }
        return try Replica(path: replicaPath, rooftop: owner)
    }
}

/// A command failed for a reason the user can act on; printed as one line.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
