import ArgumentParser
import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopCRM

struct CustomerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer", abstract: "Find, show, add and update customers in the local replica.",
        subcommands: [Add.self, Show.self, Search.self, Update.self, Delete.self, Restore.self, Erase.self, RemovePhone.self, RemoveAddress.self,
                      Merge.self, Unmerge.self])

    /// Options shared by add and update: the common fields, phones, and any field by name. Text
    /// options take the next argument whatever it starts with (`--notes "-5 off"`, `--last-name -Dash`):
    /// only `--notes=-5` worked before.
    struct Fields: ParsableArguments {
        @Option(name: .customLong("first-name"), parsing: .unconditional) var firstName: String?
        @Option(name: .customLong("last-name"), parsing: .unconditional) var lastName: String?
        @Option(name: .customLong("business-name"), parsing: .unconditional) var businessName: String?
        @Option var email: String?
        @Option(help: "A phone number (any common format) of no stated type; repeat for several.") var phone: [String] = []
        @Option(help: "A mobile phone number (a personal phone: duplicate detection tells people apart by it); repeatable.") var mobile: [String] = []
        @Option(name: .customLong("home-phone"), help: "A home phone number (shared by a household); repeatable.") var homePhone: [String] = []
        @Option(name: .customLong("work-phone"), help: "A work phone number; repeatable.") var workPhone: [String] = []
        @Option(name: .customLong("birth-date"), help: "Birth date, YYYY-MM-DD.") var birthDate: String?
        @Option(parsing: .unconditional, help: "Street line of the (home) address.") var street: String?
        @Option(parsing: .unconditional, help: "City of the address.") var city: String?
        @Option(help: "State or province of the address.") var state: String?
        @Option(name: .customLong("postal-code"), help: "Postal code of the address (ZIP, Canadian, …).") var postalCode: String?
        @Option(help: "Country of the address.") var country: String?
        @Option(parsing: .unconditional, help: "Free text; may start with - (--notes \"-5 off\").") var notes: String?
        @Option(parsing: .unconditionalSingleValue, help: "Any customer field as name=value (e.g. --set doNotContact=true); repeatable.") var set: [String] = []
        @Option(name: .customLong("tag"), parsing: .unconditionalSingleValue, help: "Add a tag; repeatable.") var addTags: [String] = []
        @Option(name: .customLong("remove-tag"), parsing: .unconditionalSingleValue, help: "Remove a tag (update only); repeatable.") var removeTags: [String] = []

        func json() throws -> [String: JSONValue] {
            var object = try Output.jsonObject(from: set, entity: CRMSchema.customer)
            if let firstName { object["firstName"] = .string(firstName) }
            if let lastName { object["lastName"] = .string(lastName) }
            if let businessName { object["businessName"] = .string(businessName) }
            if let email { object["email"] = .string(email) }
            if let notes { object["notes"] = .string(notes) }
            let phones: [JSONValue] = phone.map { .object(["number": .string($0)]) }
                + [("Mobile", mobile), ("Home", homePhone), ("Work", workPhone)].flatMap { type, numbers in
                    numbers.map { JSONValue.object(["number": .string($0), "type": .string(type)]) }
                }
            if !phones.isEmpty { object["phoneNumbers"] = .array(phones) }
            if let birthDate {
                var demographic: [String: JSONValue] = [:]
                if case .object(let given)? = object["demographicInfo"] { demographic = given }
                demographic["birthDate"] = .string(birthDate)
                object["demographicInfo"] = .object(demographic)
            }
            let address = [("street", street), ("city", city), ("state", state), ("postalCode", postalCode), ("country", country)]
                .compactMap { name, value in value.map { (name, JSONValue.string($0)) } }
            if !address.isEmpty {
                object["addresses"] = .array([.object(Dictionary(uniqueKeysWithValues: address + [("type", .string("Home"))]))])
            }
            return object
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a customer; prints its id.")
        @OptionGroup var data: DataOptions
        @OptionGroup var fields: Fields
        @Flag(help: "Create it even when it confidently matches an existing customer.") var allowDuplicate = false

        func run() throws {
            let replica = try data.openReplica()
            var input = try CustomerInput(json: try fields.json())
            if !fields.addTags.isEmpty { input.tags = try CustomerInput.tags(.array(fields.addTags.map(JSONValue.string))) }
            let id: RowID
            do { id = try CRMService(replica: replica).createCustomer(input, allowDuplicate: allowDuplicate) } catch let duplicate as DuplicateCustomerError {
                // Each candidate by name, so staff see who it is without another command.
                let named = duplicate.matches.prefix(3).map { match -> String in
                    let record = RowID(match.customerId).flatMap { try? replica.customer(id: $0) }
                    let name = ["firstName", "lastName", "businessName"].compactMap { record?.customer.values[$0]?.textValue }.joined(separator: " ")
                    let matched = match.score.fields.filter(\.agrees).map(\.field.rawValue).joined(separator: ", ")
                    return "\(match.customerId)" + (name.isEmpty ? "" : " \(name)") + String(format: " (probability %.4f; matched %@)", match.score.probability, matched)
                }
                throw CLIError("not created: it looks like existing customer " + named.joined(separator: "; or ")
                               + "; add --allow-duplicate to create it anyway")
            }
            print(id)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a customer as JSON.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The customer's id.") var id: String

        func run() throws {
            guard let rowID = RowID(id) else { throw CLIError("\(id) is not a customer id (UUID)") }
            let replica = try data.openReplica()
            guard let record = try replica.customer(id: rowID) else { throw CLIError(try replica.absentCustomerMessage(id: rowID)) }
            try Output.printJSON(record.json)
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Find customers by name, e-mail, phone, VIN or city, best first: one line each (id, name, e-mail, phone).")
        @OptionGroup var data: DataOptions
        @Argument(help: "Name words (any order, accents and one typo aside), a business name, a city, an e-mail (prefix), a phone number (whole, or its last 4 or 7 digits), or a VIN (whole, a prefix, or its last 6-8 characters).") var query: String
        @Option(help: "At most this many customers, best first (1-200).") var limit: Int = 20
        @Flag(help: "Print the customers as JSON.") var json = false

        func run() throws {
            guard (1...200).contains(limit) else { throw CLIError("--limit must be 1-200, got \(limit)") }
            let found = try data.openReplica().searchCustomers(query, limit: limit)
            if json { try Output.printJSON(JSONValue.array(found.map(\.json))) } else { Output.printCustomerLines(found) }
            if found.isEmpty && !json { FileHandle.standardError.write(Data("no customer matches \"\(query)\"\n".utf8)) }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a customer (a tombstone that wins over edits made without knowledge of it).")
        @OptionGroup var data: DataOptions
        @Argument(help: "The customer's id.") var id: String

        func run() throws {
            guard let rowID = RowID(id) else { throw CLIError("\(id) is not a customer id (UUID)") }
            try data.openReplica().delete(CRMSchema.customer, id: rowID)
            print("deleted \(id) (restore with `rooftop customer restore \(id)`)")
        }
    }

    struct RemovePhone: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-phone", abstract: "Remove one phone of a customer (ids as `customer show` prints them).")
        @OptionGroup var data: DataOptions
        @Argument(help: "The customer's id.") var id: String
        @Argument(help: "The phone's id.") var phone: String

        func run() throws { try CustomerCommand.removeChild(CRMSchema.customerPhone, "phone", child: phone, of: id, data: data) }
    }

    struct RemoveAddress: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-address", abstract: "Remove one address of a customer (ids as `customer show` prints them).")
        @OptionGroup var data: DataOptions
        @Argument(help: "The customer's id.") var id: String
        @Argument(help: "The address's id.") var address: String

        func run() throws { try CustomerCommand.removeChild(CRMSchema.customerAddress, "address", child: address, of: id, data: data) }
    }

    /// Removes one phone or address (`noun`) with id `child` of customer `id`.
    static func removeChild(_ entity: EntitySchema, _ noun: String, child: String, of id: String, data: DataOptions) throws {
        guard let customer = RowID(id) else { throw CLIError("\(id) is not a customer id (UUID)") }
        guard let childID = RowID(child) else { throw CLIError("\(child) is not \(noun == "address" ? "an" : "a") \(noun) id (UUID)") }
        try data.openReplica().removeChild(entity, id: childID, ofCustomer: customer)
        print("removed \(noun) \(child) of \(id)")
    }

    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a customer on a data subject's request: every row about them, everywhere, for good (cannot be undone).")
        @OptionGroup var data: DataOptions
        @Argument(help: "The customer's id.") var id: String
        @Flag(help: "Confirm: erasure cannot be undone.") var confirm = false

        func run() throws {
            guard let rowID = RowID(id) else { throw CLIError("\(id) is not a customer id (UUID)") }
            guard confirm else { throw CLIError("erasure cannot be undone: add --confirm") }
            let replica = try data.openReplica()
            // A merged person is erased whole (sync-protocol/customer-merge.md#merge-and-erasure): name every id.
            let merged = try replica.customer(id: rowID).map { [$0.customer.id] + $0.mergedFrom }?.filter { $0 != rowID } ?? []
            try replica.erase(customer: rowID)
            let also = merged.isEmpty ? "" : " with the customers merged with it (\(merged.map(\.string).joined(separator: ", ")))"
            print("erased \(id)\(also) here; it reaches every rooftop through the hub (check with `rooftop erasures`)")
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Restore a deleted customer.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The customer's id.") var id: String

        func run() throws {
            guard let rowID = RowID(id) else { throw CLIError("\(id) is not a customer id (UUID)") }
            try data.openReplica().restore(CRMSchema.customer, id: rowID)
            print("restored \(id)")
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change fields of a customer; only changed fields are stamped.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The customer's id.") var id: String
        @OptionGroup var fields: Fields

        func run() throws {
            guard let rowID = RowID(id) else { throw CLIError("\(id) is not a customer id (UUID)") }
            var input = try CustomerInput(json: try fields.json())
            let replica = try data.openReplica()
            if !fields.addTags.isEmpty || !fields.removeTags.isEmpty {
                guard let current = try replica.customer(id: rowID) else { throw CLIError(try replica.absentCustomerMessage(id: rowID)) }
                let removing = Set(fields.removeTags.map { $0.lowercased() })
                let kept = current.tags.filter { !removing.contains($0.lowercased()) }
                input.tags = try CustomerInput.tags(.array((kept + fields.addTags).map(JSONValue.string)))
            }
            let changed = try CRMService(replica: replica).updateCustomer(id: rowID, input)
            print(changed == 0 ? "no change" : "updated \(id) (\(changed) row change\(changed == 1 ? "" : "s"))")
        }
    }
}
