import ArgumentParser
import Foundation
import RooftopNode
import RooftopStore
import RooftopSync

struct ErasuresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erasures", abstract: "Data-subject erasures and which rooftops have applied each (asks the hub; --local shows this replica's list).")
    @OptionGroup var data: DataOptions
    @Flag(help: "Do not contact the hub.") var local = false

    func run() async throws {
        let replica = try data.openReplica()
        var records = try replica.erasures()
        if !local, replica.rooftop != .hub, let configuration = try NodeConfiguration.load(from: data.directory), let hub = URL(string: configuration.hubURL) {
            let tls = try TLSSettings.rooftop(configuration.rooftop.rawValue, ca: GroupCA(directory: URL(fileURLWithPath: configuration.certificates)))
            let client = SyncClient(replica: replica, hub: hub, tls: tls, connectTimeout: .seconds(3))
            do { records = try await client.erasures() } catch {
                FileHandle.standardError.write(Data("hub not reachable (\(error)); showing this replica's erasures\n".utf8))
            }
            try await client.shutdown()
        }
        if records.isEmpty { print("no erasures") }
        for r in records {
            print("\(r.at)  \(r.customerId)  erased at \(r.erasedBy)  applied by: \(r.acknowledgedBy.map(\.rawValue).joined(separator: ", "))"
                  + (r.pending.isEmpty ? "" : "  pending: \(r.pending.map(\.rawValue).joined(separator: ", "))"))
        }
    }
}
