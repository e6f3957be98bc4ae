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

/// Reads a file the user named, with a one-line reason when it cannot.
func readUserFile(_ path: String) throws -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw CLIError("\(path): no such file") }
    guard !isDirectory.boolValue else { throw CLIError("\(path) is a directory, not a file") }
    guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(path): cannot be read (permissions?)") }
    return data
}

/// Writes (replacing) a file the user named, with a one-line reason when it cannot.
func writeUserFile(_ path: String, _ data: Data) throws {
    guard FileManager.default.createFile(atPath: path, contents: data) else {
        throw CLIError("\(path): cannot be written (a missing directory, or permissions?)")
    }
}

/// Fails with a one-line reason when a file the command will write at `path` could not be written
/// (a missing directory, a directory, no permission) or is the input file `input` itself (when given); writes nothing.
func requireWritableFile(_ path: String, notTheSameAs input: String? = nil, what: String = "the file being imported") throws {
    let url = URL(fileURLWithPath: path)
    if let input, url.resolvingSymlinksInPath().standardizedFileURL == URL(fileURLWithPath: input).resolvingSymlinksInPath().standardizedFileURL {
        throw CLIError("\(path) is \(what): name another file")
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
        guard !isDirectory.boolValue else { throw CLIError("\(path) is a directory, not a file") }
        guard FileManager.default.isWritableFile(atPath: path) else { throw CLIError("\(path): cannot be written (permissions?)") }
    } else {
        let directory = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError("\(path): cannot be written: no directory \(directory)")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else { throw CLIError("\(path): cannot be written (permissions?)") }
    }
}

/// Fails with a one-line reason when `path` is missing, a directory or unreadable; reads nothing.
func requireReadableFile(_ path: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw CLIError("\(path): no such file") }
    guard !isDirectory.boolValue else { throw CLIError("\(path) is a directory, not a file") }
    guard FileManager.default.isReadableFile(atPath: path) else { throw CLIError("\(path): cannot be read (permissions?)") }
}

/// Checks a TCP port number.
func validatePort(_ port: Int, _ option: String) throws {
    guard (1...65_535).contains(port) else { throw CLIError("\(option) must be a port number 1-65535, got \(port)") }
}

/// Turns a server start failure into a one-line reason.
func describeServerFailure(_ error: any Error, host: String, port: Int) -> any Error {
    let text = String(describing: error)
    if text.contains("Address already in use") {
        return CLIError("cannot listen on \(host):\(port): the port is in use (is this node or hub already running?)")
    }
    if text.contains("Cannot assign requested address") || text.contains("errno: 99") {
        return CLIError("cannot listen on \(host):\(port): no such local address")
    }
    return error
}

/// A command failed for a reason the user can act on; printed as one line.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
