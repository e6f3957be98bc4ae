import ArgumentParser
import Foundation
import RooftopModel
import RooftopStore

struct InteractionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "interaction", abstract: "Record customer interactions.",
                                                    subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record an interaction (call, visit, e-mail ...); prints its id.")
        @OptionGroup var data: DataOptions
        @Option(help: "The customer's id.") var customer: String
        @Option(help: "Call, Email, SMS, In-Person, Web or Social.") var type: String
        @Option(help: "Inbound or Outbound.") var direction: String?
        @Option var subject: String?
        @Option var content: String?
        @Option var outcome: String?
        @Option(help: "Any interaction field as name=value; repeatable.") var set: [String] = []

        func run() throws {
            var object = try Output.jsonObject(from: set, entity: CRMSchema.customerInteraction)
            object["customerId"] = .string(customer)
            object["type"] = .string(type)
            if let direction { object["direction"] = .string(direction) }
            if let subject { object["subject"] = .string(subject) }
            if let content { object["content"] = .string(content) }
            if let outcome { object["outcome"] = .string(outcome) }
            let fields = try CRMSchema.customerInteraction.inputFields(from: object)
            print(try data.openReplica().addInteraction(fields))
        }
    }
}
