import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting

/// Customers and bodies the CRM tests share.
enum CRMTestData {
    /// A customer created from the design document's JSON shape.
    @discardableResult
    static func customer(_ replica: Replica, _ json: [String: JSONValue]) throws -> RowID {
        try replica.createCustomer(try CustomerInput(json: json))
    }

    static func person(_ first: String, _ last: String, email: String? = nil, optInEmail: Bool = true, doNotContact: Bool = false,
                       tier: String? = nil, tags: [String] = [], city: String? = nil) -> [String: JSONValue] {
        var json: [String: JSONValue] = ["firstName": .string(first), "lastName": .string(last),
                                         "communicationPreferences": .object(["optInEmail": .bool(optInEmail), "doNotContact": .bool(doNotContact)])]
        if let email { json["email"] = .string(email) }
        if let tier { json["loyaltyTier"] = .string(tier) }
        if !tags.isEmpty { json["tags"] = .array(tags.map(JSONValue.string)) }
        if let city { json["addresses"] = .array([.object(["street": .string("1 Main St"), "city": .string(city), "postalCode": .string("62701")])]) }
        return json
    }

    /// A JSON value from a literal.
    static func json(_ text: String) -> JSONValue { try! JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
}
