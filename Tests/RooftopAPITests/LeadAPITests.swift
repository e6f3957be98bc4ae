import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RooftopAPI
import RooftopModel
import RooftopStore
import RooftopTesting
import Testing

/// `POST /api/crm/leads/adf` as a lead provider uses it: XML, text/plain or a form; warnings,
/// quarantine, idempotent re-posts (`sync-protocol/lead-intake.md`).
@Suite struct LeadAPITests {
    typealias API = CustomerAPITests

    static let twoProspects = """
        <?xml version="1.0"?><?adf version="1.0"?><adf>
        <prospect><id source="LeadCo">L-1</id><requestdate>2026-12-01T09:00:00-05:00</requestdate>
        <customer><contact><name part="full">Rosa Díaz</name><email>rosa@example.com</email>
        <phone type="voice">1234567890</phone><phone type="cellphone">(555) 010-0177 x9</phone></contact></customer>
        <vehicle interest="buy"><year>2027</year><make>Kia</make><model>EV9</model><vin>NOT-A-VIN</vin></vehicle>
        <provider><name>LeadCo</name></provider></prospect>
        <prospect><requestdate>2026-12-01T09:05:00-05:00</requestdate>
        <customer><contact><name part="full">No Contact</name><phone>N/A</phone></contact></customer></prospect>
        </adf>
        """

    func post(_ client: any TestClientProtocol, _ body: String, type: String) async throws -> TestResponse {
        try await client.execute(uri: "/api/crm/leads/adf", method: .post, headers: [.contentType: type], body: ByteBuffer(string: body))
    }

    @Test func aProviderPostIsImportedWithWarningsAndTheQuarantinedProspectIsKept() async throws {
        try await API.withAPI { client, replica in
            let response = try await post(client, Self.twoProspects, type: "application/xml")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let body = try API.body(response)
            #expect(body["customersCreated"] == .number(1) && body["quarantined"] == .number(1))
            guard case .array(let leads)? = body["leads"], leads.count == 2, case .object(let first) = leads[0], case .object(let second) = leads[1] else {
                Issue.record("leads: \(body)")
                return
            }
            #expect(first["outcome"] == "Imported" && second["outcome"] == "Quarantined")
            #expect(second["reason"] == "no usable e-mail or phone")
            guard case .array(let warnings)? = first["warnings"] else { Issue.record("no warnings"); return }
            let values = warnings.compactMap { $0.objectValue?["value"] }
            #expect(values.contains("1234567890") && values.contains("NOT-A-VIN") && values.contains("(555) 010-0177 x9"))
            // The customer, with the usable phone; the interaction keeps every value it could not type.
            guard case .string(let customerId)? = first["customerId"], case .string(let interactionId)? = first["interactionId"] else {
                Issue.record("ids")
                return
            }
            let customer = try API.body(try await client.execute(uri: "/api/crm/customers/\(customerId)", method: .get))
            #expect(customer["email"] == "rosa@example.com")
            let interaction = try API.body(try await client.execute(uri: "/api/crm/interactions/\(interactionId)", method: .get))
            guard case .string(let content)? = interaction["content"] else { Issue.record("no content"); return }
            #expect(content.contains("1234567890") && content.contains("NOT-A-VIN"))
            // Both leads are listed; the quarantined one with its XML.
            let quarantined = try API.body(try await client.execute(uri: "/api/crm/leads?status=Quarantined", method: .get))
            guard case .array(let items)? = quarantined["items"], case .object(let kept)? = items.first else { Issue.record("no quarantined lead: \(quarantined)"); return }
            #expect(items.count == 1)
            #expect(kept["receivedVia"] == "HTTP")
            guard case .string(let keptId)? = kept["id"] else { Issue.record("no id"); return }
            #expect(try await client.execute(uri: "/api/crm/leads/\(keptId)", method: .get).status == .ok)
            #expect({ if case .string(let raw)? = kept["raw"] { return raw.contains("No Contact") && raw.contains("N/A") } else { return false } }())

            // The provider resends the same document: nothing new.
            let before = try replica.digest()
            let again = try API.body(try await post(client, Self.twoProspects, type: "application/xml"))
            #expect(again["alreadyImported"] == .number(2) && again["customersCreated"] == .number(0))
            #expect(try replica.digest() == before)
        }
    }

    @Test func plainTextAndFormBodiesAreAccepted() async throws {
        try await API.withAPI { client, replica in
            let text = try await post(client, Self.twoProspects.replacingOccurrences(of: "L-1", with: "L-2"), type: "text/plain; charset=utf-8")
            #expect(text.status == .ok, "\(String(buffer: text.body))")
            let form = "source=site&adf=" + Self.twoProspects.replacingOccurrences(of: "L-1", with: "L-3")
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let posted = try await post(client, form, type: "application/x-www-form-urlencoded")
            #expect(posted.status == .ok, "\(String(buffer: posted.body))")
            #expect(try API.body(posted)["customersMatched"] == .number(1), "the same person (e-mail) attaches")
            #expect(try replica.customerCount() == 1)
        }
    }

    @Test(arguments: ["not xml", "<lead/>", "<adf></adf>", ""])
    func aBodyThatIsNotADFIsA400AndImportsNothing(body: String) async throws {
        try await API.withAPI { client, replica in
            let empty = try replica.digest()
            let response = try await post(client, body, type: "application/xml")
            #expect(response.status == .badRequest)
            #expect(try API.problem(response).code == "INVALID_ADF")
            #expect(try replica.digest() == empty)
        }
    }

    @Test func aCrossSitePageCannotPostALead() async throws {
        try await API.withAPI { client, replica in
            let response = try await client.execute(uri: "/api/crm/leads/adf", method: .post,
                                                    headers: [.contentType: "text/plain", .origin: "https://evil.example"],
                                                    body: ByteBuffer(string: Self.twoProspects))
            #expect(response.status == .forbidden)
            #expect(try replica.customerCount() == 0)
        }
    }

    /// The quarantined prospect of a post, released by staff with the phone it lacked.
    @Test func aQuarantinedLeadIsReleasedThroughTheAPI() async throws {
        try await API.withAPI { client, replica in
            let posted = try API.body(try await post(client, Self.twoProspects, type: "application/xml"))
            guard case .array(let leads)? = posted["leads"], case .object(let second)? = leads.last, case .string(let id)? = second["leadId"] else {
                Issue.record("leads: \(posted)")
                return
            }
            func release(_ json: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/crm/leads/\(id)/release", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: json))
            }
            let bad = try await release(#"{"phone": "N/A"}"#)
            #expect(bad.status == .badRequest && bad.headers[.contentType] == "application/problem+json")
            let unknown = try await release(#"{"mobile": "5550100166"}"#)
            #expect(unknown.status == .badRequest)
            let released = try await release(#"{"phone": "555-010-0166", "releasedBy": "bdc"}"#)
            #expect(released.status == .ok, "\(String(buffer: released.body))")
            let body = try API.body(released)
            #expect(body["outcome"] == "Imported")
            guard case .string(let customerId)? = body["customerId"] else { Issue.record("no customer: \(body)"); return }
            let customer = try API.body(try await client.execute(uri: "/api/crm/customers/\(customerId)", method: .get))
            #expect(customer["lastName"] == "Contact")
            let again = try await release(#"{"phone": "555-010-0166"}"#)
            #expect(again.status == .gone)
            #expect(try replica.customerIDs(withPhone: "+15550100166").count == 1)
        }
    }

}
