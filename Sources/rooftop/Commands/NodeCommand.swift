import ArgumentParser
import Foundation
import Logging
import RooftopNode
import RooftopReplication
import RooftopStore
import RooftopSync

struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "node", abstract: "Set up and run a rooftop node.",
                                                    subcommands: [Init.self, Configure.self, Serve.self, Rebootstrap.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a rooftop's data directory: configuration and empty replica.")
        @OptionGroup var data: DataOptions
        @Option(name: .long, help: "This rooftop's id; its certificate's CN.")
        var rooftop: String
        @Option(name: .long, help: "The hub's URL.")
        var hub: String = "https://localhost:8443"
        @Option(name: .long, help: "Directory with ca.pem and this rooftop's certificate and key.")
        var certs: String = "certs"
        @Option(name: .customLong("api-port"), help: "Port of the staff REST API (loopback).")
        var apiPort: Int = 8081
        @Option(name: .customLong("api-host-name"), help: "A further host name staff use to reach the REST API (repeatable); any other Host is refused.")
        var apiHostNames: [String] = []
        @Option(name: .customLong("sync-interval"), help: "Seconds between background syncs.")
        var syncInterval: Double = 5

        func run() throws {
            guard let id = RooftopID(rawValue: rooftop), id != .hub else {
                throw CLIError("rooftop id must be 1-63 of a-z, 0-9 and - (and not \"hub\"), got \(rooftop)")
            }
            try NodeCommand.requireHubURL(hub)
            try validatePort(apiPort, "--api-port")
            try NodeCommand.requireSyncInterval(syncInterval)
            try NodeCommand.requireCertificates(certs, rooftop: id)
            if let existing = try NodeConfiguration.load(from: data.directory), existing.rooftop != id {
                throw CLIError("\(data.directory.path) already belongs to rooftop \(existing.rooftop)")
            }
            let certsPath = URL(fileURLWithPath: certs).standardizedFileURL.path
            var configuration = NodeConfiguration(rooftop: id, hubURL: hub, certificates: certsPath, apiPort: apiPort, syncIntervalSeconds: syncInterval)
            configuration.apiHosts = apiHostNames.isEmpty ? nil : apiHostNames
            try configuration.save(to: data.directory)
            _ = try Replica(path: data.replicaPath, rooftop: id)
            print("rooftop \(id) ready in \(data.directory.path) (hub \(hub))")
        }
    }

    /// `--hub` must be an `https://` URL with a host.
    static func requireHubURL(_ hub: String) throws {
        guard let url = URL(string: hub), url.scheme == "https", url.host != nil else { throw CLIError("--hub must be an https:// URL, got \(hub)") }
    }

    static func requireSyncInterval(_ seconds: Double) throws {
        guard seconds >= 0.1 else { throw CLIError("--sync-interval must be at least 0.1 seconds") }
    }

    /// The group CA's certificate and this rooftop's certificate and key must be in `certs`.
    static func requireCertificates(_ certs: String, rooftop id: RooftopID) throws {
        let ca = GroupCA(directory: URL(fileURLWithPath: certs))
        // Without the group's CA no certificate can be issued: that step first.
        guard FileManager.default.fileExists(atPath: ca.caCertificatePath.path) else {
            throw CLIError("\(ca.caCertificatePath.path) is missing: make the group's CA first (rooftop certs init-ca --certs \(certs)), "
                           + "then issue this rooftop's certificate (rooftop certs issue --certs \(certs) --rooftop \(id))")
        }
        for file in [ca.paths(for: id.rawValue).certificate, ca.paths(for: id.rawValue).key] where !FileManager.default.fileExists(atPath: file.path) {
            throw CLIError("\(file.path) is missing: issue the certificate first (rooftop certs issue --certs \(certs) --rooftop \(id))")
        }
    }

    struct Configure: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a rooftop's settings in rooftop.json (the hub moved, new certificates, another port); the replica is untouched.",
            discussion: "Only the options given change; with none, prints the settings. A running node reads them when it starts: restart it (rooftop node serve).")
        @OptionGroup var data: DataOptions
        @Option(name: .long, help: "The hub's URL (https://HOST:PORT).")
        var hub: String?
        @Option(name: .long, help: "Directory with ca.pem and this rooftop's certificate and key.")
        var certs: String?
        @Option(name: .customLong("api-port"), help: "Port of the staff REST API (loopback).")
        var apiPort: Int?
        @Option(name: .customLong("api-host-name"), help: "The host names staff use to reach the REST API besides loopback (repeatable; replaces the list).")
        var apiHostNames: [String] = []
        @Flag(name: .customLong("no-api-host-names"), help: "Forget the further host names: loopback only.")
        var noAPIHostNames = false
        @Option(name: .customLong("sync-interval"), help: "Seconds between background syncs.")
        var syncInterval: Double?

        func run() throws {
            guard var configuration = try NodeConfiguration.load(from: data.directory) else {
                throw CLIError("\(data.directory.path) holds no rooftop.json: set the rooftop up first (rooftop node init)")
            }
            if noAPIHostNames && !apiHostNames.isEmpty { throw CLIError("--api-host-name and --no-api-host-names: give one or the other") }
            if let hub {
                try NodeCommand.requireHubURL(hub)
                configuration.hubURL = hub
            }
            if let certs {
                try NodeCommand.requireCertificates(certs, rooftop: configuration.rooftop)
                configuration.certificates = URL(fileURLWithPath: certs).standardizedFileURL.path
            }
            if let apiPort {
                try validatePort(apiPort, "--api-port")
                configuration.apiPort = apiPort
            }
            if !apiHostNames.isEmpty { configuration.apiHosts = apiHostNames }
            if noAPIHostNames { configuration.apiHosts = nil }
            if let syncInterval {
                try NodeCommand.requireSyncInterval(syncInterval)
                configuration.syncIntervalSeconds = syncInterval
            }
            let changed = hub != nil || certs != nil || apiPort != nil || !apiHostNames.isEmpty || noAPIHostNames || syncInterval != nil
            if changed { try configuration.save(to: data.directory) }
            print("""
                rooftop \(configuration.rooftop) in \(data.directory.path)\(changed ? " (saved; restart a running node for it to take effect)" : "")
                  hub            \(configuration.hubURL)
                  certificates   \(configuration.certificates)
                  REST API       http://\(configuration.apiHost):\(configuration.apiPort)\((configuration.apiHosts ?? []).isEmpty ? "" : " (also as \((configuration.apiHosts ?? []).joined(separator: ", ")))")
                  sync interval  \(configuration.syncIntervalSeconds) s
                """)
        }
    }

    struct Rebootstrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild this rooftop's replica from the hub (after BEYOND_RETENTION), keeping and re-offering its unsent changes.")
        @OptionGroup var data: DataOptions

        func run() async throws {
            let configuration = try data.configuration()
            let replica = try data.openReplica()
            guard let hub = URL(string: configuration.hubURL) else { throw CLIError("hubURL in rooftop.json is not a URL") }
            let tls = try TLSSettings.rooftop(configuration.rooftop.rawValue, ca: GroupCA(directory: URL(fileURLWithPath: configuration.certificates)))
            let rooftop = configuration.rooftop, drift = configuration.maxDriftMs
            let report = try await SyncClient.rebootstrap(
                replica, sidePath: data.replicaPath + ".rebootstrap",
                open: { try Replica(path: $0, rooftop: rooftop, maxDriftMilliseconds: drift) },
                clientFor: { SyncClient(replica: $0, hub: hub, tls: tls) })
            print("rebootstrapped \(rooftop): pulled \(report.pulled) change(s) from the hub; re-offered \(report.reoffered) unsent change(s)"
                  + (report.queued > 0 ? "; \(report.queued) could not be (their record was purged or erased): see rooftop review" : ""))
            if let error = report.pushError {
                print("the re-offered changes are in the outbox; sending them failed for now: \(error)")
                throw ExitCode(1)
            }
            print("sent \(report.pushed) change(s) to the hub")
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the staff REST API and sync with the hub in the background.")
        @OptionGroup var data: DataOptions
        @Option(name: .customLong("api-port"), help: "Override the REST port from rooftop.json.")
        var apiPort: Int?
        @Option(name: .customLong("lead-drop"), help: ArgumentHelp(
            "Watch this folder for ADF lead files: each is imported and moved to done/ or quarantine/ with a report beside it.",
            valueName: "dir"))
        var leadDrop: String?

        func run() async throws {
            Rooftop.bootstrapLogging()
            var leadFolder: URL?
            if let leadDrop {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: leadDrop, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw CLIError("--lead-drop \(leadDrop): no such folder (create it first)")
                }
                leadFolder = URL(fileURLWithPath: leadDrop)
            }
            var configuration = try data.configuration()
            if let apiPort {
                try validatePort(apiPort, "--api-port")
                configuration.apiPort = apiPort
            }
            let replica = try data.openReplica()
            let logger = Logger(label: "rooftop.\(configuration.rooftop)")
            let host = configuration.apiHost, port = configuration.apiPort
            do {
                try await NodeRunner.run(configuration: configuration, replica: replica, logger: logger, leadDrop: leadFolder) { port in
                    logger.info("REST API listening", metadata: ["address": "http://\(host):\(port)"])
                }
            } catch {
                throw describeServerFailure(error, host: host, port: port)
            }
            logger.info("stopped")
        }
    }
}
