import RooftopWire
import ArgumentParser
import Foundation
import Logging
import RooftopNode
import RooftopReplication
import RooftopStore

struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hub", abstract: "Run the hub.", subcommands: [Serve.self])

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the sync endpoints over mutual TLS until SIGINT/SIGTERM.")
        @OptionGroup var data: DataOptions
        @Option(name: .long, help: "Directory of the group CA with hub.pem and hub-key.pem.")
        var certs: String = "certs"
        @Option(name: .long, help: "Address to listen on (0.0.0.0 for every interface; rooftops on other machines need it).")
        var host: String = "127.0.0.1"
        @Option(name: .long, help: "TCP port.")
        var port: Int = 8443
        @Option(name: .customLong("retention-days"), help: "Rows deleted longer ago are purged everywhere; rooftops offline longer must re-bootstrap.")
        var retentionDays: Int = 90
        @Option(name: .customLong("max-drift-ms"),
                help: "Refuse pushed changes stamped further ahead of the hub's clock than this, in ms (CLOCK_SKEW).")
        var maxDriftMs: UInt64 = HybridLogicalClock.defaultMaxDriftMilliseconds

        func run() async throws {
            Rooftop.bootstrapLogging()
            try validatePort(port, "--port")
            guard (1...3650).contains(retentionDays) else { throw CLIError("--retention-days must be 1-3650") }
            guard (1_000...86_400_000).contains(maxDriftMs) else { throw CLIError("--max-drift-ms must be 1000-86400000") }
            try PrivateFiles.createDirectory(data.directory)
            let replica = try Replica(path: data.replicaPath, rooftop: .hub, maxDriftMilliseconds: maxDriftMs)
            let logger = Logger(label: "rooftop.hub")
            do {
                try await HubRunner.run(replica: replica, certificates: URL(fileURLWithPath: certs), host: host, port: port,
                                        retentionDays: retentionDays, logger: logger) { port in
                    logger.info("hub listening", metadata: ["address": "https://\(host):\(port)"])
                }
            } catch {
                throw describeServerFailure(error, host: host, port: port)
            }
            logger.info("stopped")
        }
    }
}
