import ArgumentParser
import Foundation
import RooftopReplication
import RooftopSync

struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs", abstract: "Create the group CA and issue rooftop and hub certificates (mutual TLS).",
        subcommands: [InitCA.self, Issue.self, IssueHub.self])

    struct Location: ParsableArguments {
        @Option(name: .long, help: "Directory of the group CA and certificates.")
        var certs: String = "certs"
        var ca: GroupCA { GroupCA(directory: URL(fileURLWithPath: certs)) }
    }

    struct InitCA: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "init-ca", abstract: "Create the group's certificate authority (never overwrites one).")
        @OptionGroup var location: Location
        @Option(name: .long, help: "The dealership group's name, shown in the CA certificate.")
        var group: String = "Dealership Group"
        @Option(name: .long, help: "Validity in days.")
        var days: Int = 3650

        func run() throws {
            try location.ca.initialize(groupName: group, validityDays: days)
            print("created group CA: \(location.ca.caCertificatePath.path)")
        }
    }

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a rooftop's client certificate (CN = rooftop id).")
        @OptionGroup var location: Location
        @Option(name: .long, help: "The rooftop id (a-z, 0-9, -).")
        var rooftop: String
        @Option(name: .long, help: "Validity in days.")
        var days: Int = 825
        @Flag(help: "Replace an existing certificate and key for this rooftop.")
        var force = false

        func run() throws {
            guard let id = RooftopID(rawValue: rooftop) else { throw CLIError("rooftop id must be 1-63 of a-z, 0-9 and -, got \(rooftop)") }
            guard force || !FileManager.default.fileExists(atPath: location.ca.paths(for: id.rawValue).certificate.path) else {
                throw CLIError("rooftop \(id) already has a certificate in \(location.certs); use --force to replace it")
            }
            try location.ca.issueRooftop(id, validityDays: days)
            print("issued certificate for rooftop \(id): \(location.ca.paths(for: id.rawValue).certificate.path)")
        }
    }

    struct IssueHub: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "issue-hub", abstract: "Issue the hub's server certificate.")
        @OptionGroup var location: Location
        @Option(name: .long, help: "Host name (or IP) rooftops use to reach the hub.")
        var host: String = "localhost"
        @Option(name: .long, help: "Validity in days.")
        var days: Int = 825
        @Flag(help: "Replace an existing hub certificate and key.")
        var force = false

        func run() throws {
            guard force || !FileManager.default.fileExists(atPath: location.ca.paths(for: "hub").certificate.path) else {
                throw CLIError("the hub already has a certificate in \(location.certs); use --force to replace it")
            }
            try location.ca.issueHub(host: host, validityDays: days)
            print("issued hub certificate for \(host): \(location.ca.paths(for: "hub").certificate.path)")
        }
    }
}
