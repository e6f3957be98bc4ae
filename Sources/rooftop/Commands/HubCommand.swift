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

        func run() async throws {
            Rooftop.bootstrapLogging()
            try validatePort(port, "--port")
            try FileManager.default.createDirectory(at: data.directory, withIntermediateDirectories: true)
            let replica = try Replica(path: data.replicaPath, rooftop: .hub)
            let logger = Logger(label: "rooftop.hub")
            do {
                try await HubRunner.run(replica: replica, certificates: URL(fileURLWithPath: certs), host: host, port: port, logger: logger) { port in
                    logger.info("hub listening", metadata: ["address": "https://\(host):\(port)"])
                }
            } catch {
                throw describeServerFailure(error, host: host, port: port)
            }
            logger.info("stopped")
        }
    }
}
