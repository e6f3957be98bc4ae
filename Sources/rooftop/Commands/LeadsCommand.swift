import ArgumentParser
import Foundation
import RooftopCRM
import RooftopImport
import RooftopModel
import RooftopStore

/// `rooftop leads`: leads as they arrived, with the response clock, and the quarantined ones
/// (`sync-protocol/lead-intake.md`).
struct LeadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leads", abstract: "Today's leads with their response time, and quarantined leads.",
        subcommands: [Today.self, Rejected.self, Release.self], defaultSubcommand: Today.self)

    struct Today: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "today",
            abstract: "Leads that arrived today (UTC) or since --since, newest first, with the time to the first outbound interaction.")
        @OptionGroup var data: DataOptions
        @Option(help: "Only leads that arrived at or after this date or RFC 3339 time (default: today, UTC).") var since: String?
        @Option(help: "At most this many (1-500).") var limit = 100
        @Flag(help: "Print JSON ({\"items\": [...]}).") var json = false

        func validate() throws {
            guard (1...500).contains(limit) else { throw ValidationError("--limit must be 1-500") }
        }

        func run() throws {
            let replica = try data.openReplica()
            let from = try LeadsCommand.start(since, replica: replica)
            let leads = try CRMService(replica: replica).leads(from: from, limit: limit)
            if json { return try Output.printJSON(["items": JSONValue.array(leads.map(\.json))]) }
            if leads.isEmpty { print("no leads since \(from)") }
            for lead in leads {
                let row = lead.lead
                let who = row["status"].textValue == "Quarantined" ? "QUARANTINED (\(row["reason"].textValue ?? "?"))" : (lead.customerName ?? "?")
                let clock = lead.responseMilliseconds.map { "answered in " + LeadsCommand.duration($0) }
                    ?? lead.waitingMilliseconds.map { "waiting " + LeadsCommand.duration($0) } ?? "-"
                print("\(row["receivedAt"].textValue ?? "?")  \(row["receivedVia"].textValue ?? "?")  \(row["provider"].textValue ?? "-")  \(who)  \(clock)  lead \(row.id)")
            }
        }
    }

    struct Rejected: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Quarantined leads (no name, or no usable e-mail or phone), kept whole with the reason, newest first.")
        @OptionGroup var data: DataOptions
        @Option(help: "At most this many (1-500).") var limit = 100
        @Flag(help: "Also print each lead's XML as it arrived.") var xml = false
        @Flag(help: "Print JSON ({\"items\": [...]}).") var json = false

        func validate() throws {
            guard (1...500).contains(limit) else { throw ValidationError("--limit must be 1-500") }
        }

        func run() throws {
            let leads = try CRMService(replica: try data.openReplica()).leads(status: "Quarantined", limit: limit)
            if json { return try Output.printJSON(["items": JSONValue.array(leads.map(\.json))]) }
            if leads.isEmpty { print("no quarantined leads") }
            for lead in leads {
                let row = lead.lead
                print("\(row["receivedAt"].textValue ?? "?")  \(row["receivedVia"].textValue ?? "?")  \(row["provider"].textValue ?? "-")  "
                      + "\(row["reason"].textValue ?? "?")  lead \(row.id)")
                if xml, let raw = row["raw"].textValue { print(raw) }
            }
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a quarantined lead with the name, e-mail or phone it lacked (its XML, arrival time and channel are kept).",
            discussion: """
                The lead's stored XML is read again with the values given here in place of the provider's, and imported as                 any lead is: a customer (or the existing one it confidently duplicates), an interaction noting what was given,                 its vehicles, and an Imported lead record with the original arrival time; the quarantined record is deleted.                 Exits 1 when the lead is not quarantined or still lacks a name or a usable e-mail or phone.
                """)
        @OptionGroup var data: DataOptions
        @Argument(help: "The quarantined lead's id (rooftop leads rejected).") var lead: String
        @Option(help: "First name.") var firstName: String?
        @Option(help: "Last name.") var lastName: String?
        @Option(help: "Business name.") var businessName: String?
        @Option(help: "E-mail address.") var email: String?
        @Option(help: "Phone number (E.164, or a NANP number in any format).") var phone: String?
        @Option(help: "Who releases it (noted in the interaction).") var by: String?

        func run() throws {
            guard let id = RowID(lead) else { throw CLIError("\(lead) is not a lead id (a UUID)") }
            let amend: ADFContactAmendment
            do {
                amend = try ADFContactAmendment(firstName: firstName, lastName: lastName, businessName: businessName,
                                                email: email, phone: phone, releasedBy: by)
            } catch {
                let option = error.pointer.dropFirst().reduce(into: "") { $0 += $1.isUppercase ? "-" + $1.lowercased() : String($1) }
                throw CLIError("--\(option == "released-by" ? "by" : option): \(error.reason)")
            }
            let imported: ImportedLead
            do { imported = try LeadImporter.release(lead: id, amend: amend, in: try data.openReplica()) } catch let error as ReplicaError {
                throw CLIError(error.message)
            }
            print("lead \(imported.leadId): \(imported.outcome), customer \(imported.customerId ?? "-")"
                  + (imported.customerMatched ? " (an existing customer)" : "") + ", interaction \(imported.interactionId ?? "-")")
        }
    }

    /// `since` as an RFC 3339 lower bound: a date is its midnight UTC; default today's.
    static func start(_ since: String?, replica: Replica) throws -> String {
        guard let since else {
            return String(Timestamp.string(milliseconds: replica.wallClock.nowMilliseconds()).prefix(10)) + "T00:00:00.000Z"
        }
        if let date = Timestamp.normaliseDate(since) { return date + "T00:00:00.000Z" }
        if let time = Timestamp.normaliseDateTime(since) { return time }
        throw CLIError("--since \(since): expected a date YYYY-MM-DD or an RFC 3339 date-time")
    }

    /// `1h 05m`, `12m 30s`, `45s`.
    static func duration(_ ms: UInt64) -> String {
        let s = ms / 1000
        if s >= 3600 { return "\(s / 3600)h \(String(format: "%02d", (s % 3600) / 60))m" }
        if s >= 60 { return "\(s / 60)m \(String(format: "%02d", s % 60))s" }
        return "\(s)s"
    }
}
