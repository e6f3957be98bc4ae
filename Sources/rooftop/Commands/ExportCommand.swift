import ArgumentParser
import Foundation
import RooftopImport
import RooftopModel

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export data from the local replica.", subcommands: [Customers.self])

    struct Customers: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "customers", abstract: "Every customer as CSV (the import's columns) or JSON Lines, streamed in id order.")
        @OptionGroup var data: DataOptions
        @Option(help: "csv or jsonl.") var format: String = "csv"
        @Option(help: "Only customers with this status (Active, Inactive, Prospect).") var status: String?
        @Option(name: .customLong("loyalty-tier"), help: "Only this loyalty tier (Bronze, Silver, Gold, Platinum).") var loyaltyTier: String?
        @Option(help: "Only customers holding this tag.") var tag: String?
        @Option(name: .customLong("contact-type"), help: "Only Individual or Business customers.") var contactType: String?
        @Option(name: .customLong("source-type"), help: "Only this source (WebLead, Showroom, ServiceCustomer, ReferralCustomer).") var sourceType: String?
        @Option(name: .customLong("home-rooftop"), help: "Only customers of this home rooftop.") var homeRooftop: String?
        @Option(name: .customLong("created-after"), help: "Only customers created at or after this RFC 3339 instant.") var createdAfter: String?
        @Option(name: .customLong("created-before"), help: "Only customers created before this RFC 3339 instant.") var createdBefore: String?
        @Option(name: .shortAndLong, help: "Write here instead of standard output.") var output: String?

        func run() throws {
            guard let format = CustomerExporter.Format(rawValue: format) else { throw CLIError("--format must be csv or jsonl, got \(format)") }
            let filter = try self.filter()
            if let output {
                guard !output.isEmpty else { throw CLIError("--output: name a file") }
                try requireWritableFile(output, notTheSameAs: data.replicaPath, what: "the replica being exported")
            }
            let replica = try data.openReplica()
            let total = try replica.customerCount()
            let name = output ?? "standard output"
            guard let stream = OutputStream(toFileAtPath: output ?? "/dev/stdout", append: false) else { throw CLIError("\(name): cannot be written") }
            errno = 0
            stream.open()
            defer { stream.close() }
            // open(2)'s errno (`streamError` makes Foundation on Linux print warnings).
            if stream.streamStatus == .error { throw CLIError("\(name): cannot be written: \(errno == 0 ? "cannot be opened" : String(cString: strerror(errno)))") }
            let progress = output == nil ? nil : CountProgress("exporting", total: total, unit: "customers")
            let written: Int
            do {
                written = try CustomerExporter(replica: replica, format: format, filter: filter).export(to: stream) { progress?.update($0) }
            } catch let error as CustomerExporter.WriteError {
                throw CLIError("\(name): \(error.reason)")
            }
            // A filter's rows are fewer than the replica's customers the bar began with: it ends at 100%.
            progress?.finish(written, total: written)
            if let output { print("\(written) customers written to \(output)") }
        }

        /// The filter of the options, each value checked against the customer's declaration.
        func filter() throws -> CustomerExporter.Filter {
            func checked(_ value: String?, _ field: String, _ option: String) throws -> String? {
                guard let value, case .enumeration(let allowed)? = CRMSchema.customer.field(field)?.type else { return value }
                // Letter case aside, as the REST filters read them.
                guard let canonical = allowed.first(where: { $0.lowercased() == value.lowercased() }) else {
                    throw CLIError("--\(option) must be \(allowed.joined(separator: ", ")), got \(value)")
                }
                return canonical
            }
            func instant(_ value: String?, _ option: String) throws -> String? {
                guard let value else { return nil }
                guard let normalised = Timestamp.normaliseDateTime(value) else { throw CLIError("--\(option) must be an RFC 3339 date-time, got \(value)") }
                return normalised
            }
            return CustomerExporter.Filter(
                status: try checked(status, "status", "status"), loyaltyTier: try checked(loyaltyTier, "loyaltyTier", "loyalty-tier"), tag: tag,
                contactType: try checked(contactType, "contactType", "contact-type"), sourceType: try checked(sourceType, "sourceType", "source-type"),
                homeRooftop: homeRooftop, createdAfter: try instant(createdAfter, "created-after"), createdBefore: try instant(createdBefore, "created-before"))
        }
    }
}
