import ArgumentParser
import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore

/// `rooftop campaign execute|metrics`: a campaign's actions (its CRUD is `rooftop crm ... campaigns`).
struct CampaignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "campaign", abstract: "Execute a campaign into the outbox; its metrics.",
                                                    subcommands: [Execute.self, DecideWinner.self, Metrics.self, RecordEvent.self])

    struct Execute: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write one outbox message per audience customer (suppressed ones with the reason).")
        @OptionGroup var data: DataOptions
        @Argument var id: String
        @Flag(help: "JSON output.") var json = false

        func run() throws {
            let report = try CRMService(replica: data.openReplica()).executeCampaign(id: try CRMCommand.id(id))
            if json { try Output.printJSON(report); return }
            print("audience \(report.audience): \(report.queued) queued, \(report.suppressed.values.reduce(0, +)) suppressed"
                  + (report.suppressed.isEmpty ? "" : " (" + report.suppressed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")")
                  + ", \(report.alreadyInOutbox) already in the outbox; delivered by \(report.owningRooftop)")
        }
    }

    struct DecideWinner: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "decide-winner", abstract: "Decide an A/B test's winner (named, or by its rule after the test window).")
        @OptionGroup var data: DataOptions
        @Argument var id: String
        @Option(help: "The winning variant (else the test's rule decides).") var winner: String?

        func run() throws {
            let document = try CRMService(replica: data.openReplica()).decideCampaignWinner(id: try CRMCommand.id(id), winner: winner)
            print("winner: \(document.row["winner"].textValue ?? "-"); the holdout receives it at the next `rooftop campaign execute`")
        }
    }

    struct RecordEvent: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "record-event", abstract: "Record what happened to an outbox message (as a delivery provider reports it).")
        @OptionGroup var data: DataOptions
        @Argument(help: "The outbox message's id.") var message: String
        @Option(help: "Sent, Delivered, Failed, Opened, Clicked or Converted.") var event: String
        @Option(help: "When (RFC 3339; default now).") var at: String?
        @Option(help: "Why it failed.") var reason: String?

        func run() throws {
            let when = try at.map { guard let v = Timestamp.normaliseDateTime($0) else { throw CLIError("--at must be RFC 3339") }; return v }
            print(CRMCommand.line(try CRMService(replica: data.openReplica()).recordMessageEvent(id: try CRMCommand.id(message), event: event, at: when, reason: reason)))
        }
    }

    struct Metrics: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Counts from the outbox.")
        @OptionGroup var data: DataOptions
        @Argument var id: String

        func run() throws { try Output.printJSON(JSONValue.object(try CRMService(replica: data.openReplica()).campaignMetrics(id: try CRMCommand.id(id)))) }
    }
}

/// `rooftop segment refresh|members|add|remove`.
struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "segment", abstract: "Refresh a segment, list or change its members.",
                                                    subcommands: [Refresh.self, Members.self, AddMembers.self, RemoveMembers.self])

    struct Refresh: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-evaluate on this replica; prints the member count.")
        @OptionGroup var data: DataOptions
        @Argument var id: String
        @Flag(help: "JSON output.") var json = false

        func run() throws {
            let document = try CRMService(replica: data.openReplica()).refreshSegment(id: try CRMCommand.id(id))
            if json { try CRMCommand.printDocument(document) } else { print("\(document.json["memberCount"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } } ?? 0) members") }
        }
    }

    struct Members: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A page of the segment's customers.")
        @OptionGroup var data: DataOptions
        @Argument var id: String
        @Option var limit = CRMService.defaultLimit
        @Option var cursor: String?
        @Flag(help: "JSON output.") var json = false

        func run() throws {
            guard (1...CRMService.maxLimit).contains(limit) else { throw CLIError("--limit must be 1-\(CRMService.maxLimit)") }
            let page = try CRMService(replica: data.openReplica()).segmentMembers(id: try CRMCommand.id(id), cursor: cursor, limit: limit)
            if json { try Output.printJSON(JSONValue.object(["items": .array(page.items.map(\.json)), "nextCursor": page.nextCursor.map(JSONValue.string) ?? .null])); return }
            Output.printCustomerLines(page.items)
            if let next = page.nextCursor { print("more: --cursor \(next)") }
        }
    }

    struct AddMembers: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add customers to a static segment.")
        @OptionGroup var data: DataOptions
        @Argument var id: String
        @Argument(help: "Customer ids.") var customers: [String]

        func run() throws {
            let document = try CRMService(replica: data.openReplica()).changeSegmentMembers(id: try CRMCommand.id(id), add: try customers.map(CRMCommand.id), remove: [])
            print(CRMCommand.line(document))
        }
    }

    struct RemoveMembers: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove customers from a static segment.")
        @OptionGroup var data: DataOptions
        @Argument var id: String
        @Argument(help: "Customer ids.") var customers: [String]

        func run() throws {
            let document = try CRMService(replica: data.openReplica()).changeSegmentMembers(id: try CRMCommand.id(id), add: [], remove: try customers.map(CRMCommand.id))
            print(CRMCommand.line(document))
        }
    }
}

/// `rooftop survey send|respond|analytics`.
struct SurveyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "survey", abstract: "Send surveys, record responses, analytics.",
                                                    subcommands: [Send.self, Respond.self, Analytics.self])

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One survey per customer (doNotContact left out); prints the new survey ids.")
        @OptionGroup var data: DataOptions
        @Option(help: "Sales Satisfaction, Service Satisfaction, NPS or Custom.") var type: String
        @Option(help: "A customer id (repeatable).") var customer: [String] = []
        @Option(help: "A segment whose members receive it.") var segment: String?
        @Flag(help: "JSON output.") var json = false

        func run() throws {
            let sending = try CRMService(replica: data.openReplica()).sendSurvey(surveyType: type, customers: try customer.map(CRMCommand.id),
                                                                                 segment: try segment.map(CRMCommand.id), relatedToType: nil, relatedToId: nil)
            if json { try Output.printJSON(sending); return }
            for id in sending.created { print(id) }
            for skipped in sending.skipped { print("skipped \(skipped.customerId): \(skipped.reason)") }
        }
    }

    struct Respond: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record answers: --score QUESTION_ID=N (Rating/NPS) or --answer QUESTION_ID=TEXT.")
        @OptionGroup var data: DataOptions
        @Argument var id: String
        @Option(help: "questionId=score (repeatable).") var score: [String] = []
        @Option(help: "questionId=text (repeatable).") var answer: [String] = []
        @Option(help: "Scale of the ratings (default 5; NPS 10).") var scale: Int?
        @Option var comments: String?
        @Option(help: "Who follows up a low score (a user's UUID; default: the rooftop manager's id, see `rooftop status`).") var assignee: String?
        @Flag(help: "JSON output.") var json = false

        func run() throws {
            var answers: [JSONValue] = []
            for pair in score {
                guard let eq = pair.firstIndex(of: "="), let value = Int(pair[pair.index(after: eq)...]) else { throw CLIError("--score expects questionId=number") }
                var item: [String: JSONValue] = ["questionId": .string(String(pair[..<eq])), "responseType": "Rating", "score": .number(Double(value))]
                if let scale { item["scale"] = .number(Double(scale)) }
                answers.append(.object(item))
            }
            for pair in answer {
                guard let eq = pair.firstIndex(of: "=") else { throw CLIError("--answer expects questionId=text") }
                answers.append(.object(["questionId": .string(String(pair[..<eq])), "responseType": "Text", "response": .string(String(pair[pair.index(after: eq)...]))]))
            }
            let document = try CRMService(replica: data.openReplica()).recordSurveyResponse(survey: try CRMCommand.id(id), answers: answers,
                                                                                            comments: comments.map(FieldValue.text), followUpAssignedTo: try assignee.map(CRMCommand.id))
            if json { try CRMCommand.printDocument(document); return }
            print("overall score \(document.row.entity.table == "customerSurvey" ? (document.json["overallScore"].flatMap { if case .number(let n) = $0 { String(Int(n)) } else { nil } } ?? "-") : "-")\(document.row["followUpRequired"] == .integer(1) ? "; follow-up scheduled" : "")")
        }
    }

    struct Analytics: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "NPS, average scores, response rate; by rooftop.")
        @OptionGroup var data: DataOptions
        @Option(help: "Sent at or after (RFC 3339).") var from: String?
        @Option(help: "Sent before (RFC 3339).") var to: String?
        @Option var type: String?
        @Option(help: "Also by day, week or month.") var period: String?

        func run() throws {
            if let period, !SurveyAnalytics.periods.contains(period) { throw CLIError("--period: day, week or month") }
            func instant(_ text: String?, _ name: String) throws -> String? {
                guard let text else { return nil }
                guard let value = Timestamp.normaliseDateTime(text) else { throw CLIError("--\(name) must be an RFC 3339 date-time") }
                return value
            }
            try Output.printJSON(try CRMService(replica: data.openReplica()).surveyAnalytics(from: try instant(from, "from"), to: try instant(to, "to"), surveyType: type, rooftop: nil, period: period))
        }
    }
}

/// `rooftop journey show`.
struct JourneyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "journey", abstract: "A customer's journey (start one with `rooftop crm add journeys`).",
                                                    subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stage, milestones, next activity and stage history.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The customer's id.") var customer: String

        func run() throws { try CRMCommand.printDocument(try CRMService(replica: data.openReplica()).journey(customer: try CRMCommand.id(customer))) }
    }
}
