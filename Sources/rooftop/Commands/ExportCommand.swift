import ArgumentParser
import Foundation
import RooftopImport

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export data from the local replica.", subcommands: [Customers.self])

    struct Customers: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "customers", abstract: "Every customer as CSV (the import's columns) or JSON Lines, streamed in id order.")
        @OptionGroup var data: DataOptions
        @Option(help: "csv or jsonl.") var format: String = "csv"
        @Option(help: "Only customers with this status (Active, Inactive, Prospect).") var status: String?
        @Option(name: .shortAndLong, help: "Write here instead of standard output.") var output: String?

        func run() throws {
            guard let format = CustomerExporter.Format(rawValue: format) else { throw CLIError("--format must be csv or jsonl, got \(format)") }
            if let status, !["Active", "Inactive", "Prospect"].contains(status) { throw CLIError("--status must be Active, Inactive or Prospect, got \(status)") }
            let replica = try data.openReplica()
            let total = try replica.customerCount()
            guard let stream = OutputStream(toFileAtPath: output ?? "/dev/stdout", append: false) else {
                throw CLIError("\(output ?? "standard output"): cannot be written")
            }
            stream.open()
            defer { stream.close() }
            let progress = output == nil ? nil : CountProgress("exporting", total: total, unit: "customers")
            let written = try CustomerExporter(replica: replica, format: format, status: status).export(to: stream) { progress?.update($0) }
            progress?.finish(written)
            if let output { print("\(written) customers written to \(output)") }
        }
    }
}
