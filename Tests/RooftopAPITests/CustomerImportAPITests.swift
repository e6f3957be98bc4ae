import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RooftopAPI
import RooftopModel
import RooftopStore
import Testing

/// `POST /api/crm/customers/import`: a CSV body through the same importer as the CLI.
@Suite struct CustomerImportAPITests {
    typealias API = CustomerAPITests
    static let csv = """
        Ref,First Name,lastName,email,phone,city
        A-1,Ana,Muñoz,ana@example.com,(312) 555-0101,Chicago
        A-2,Bob,Stone,not-an-email,312-555-0102,Evanston
        A-3,Cy,Lee,cy@example.com,+1 312 555 0103,Oak Park

        """

    func importCSV(_ client: any TestClientProtocol, _ csv: String, query: String = "?map=Ref%3DexternalId&map=First%20Name%3DfirstName",
                   contentType: String = "text/csv") async throws -> TestResponse {
        try await client.execute(uri: "/api/crm/customers/import" + query, method: .post, headers: [.contentType: contentType],
                                 body: ByteBuffer(string: csv))
    }

    @Test func importsWholeRowsReportsRejectedLinesAndIsRerunnable() async throws {
        try await API.withAPI { client, replica in
            let first = try await importCSV(client, Self.csv)
            #expect(first.status == .ok, "\(String(buffer: first.body))")
            let report = try API.body(first)
            #expect(report["customersCreated"] == .number(2) && report["alreadyImported"] == .number(0) && report["customersMatched"] == .number(0))
            #expect(report["rejected"] == [["line": .number(3), "reason": "/email: expected an e-mail address"]])
            #expect(report["ignoredColumns"] == [])
            // Stored as staff input would be: E.164 phone, searchable at once, accents kept.
            let found = try replica.searchCustomers("munoz", limit: 5)
            #expect(found.count == 1 && found.first?.customer.values["lastName"] == .text("Muñoz"))
            #expect(found.first?.phones.first?.values["number"] == .text("+13125550101"))
            // The same file again writes nothing twice.
            let again = try API.body(try await importCSV(client, Self.csv))
            #expect(again["customersCreated"] == .number(0) && again["alreadyImported"] == .number(2))
            #expect(try replica.searchCustomers("lee", limit: 5).count == 1)
        }
    }

    @Test func aRowThatDuplicatesAnExistingCustomerIsCountedAsMatchedAndNotWritten() async throws {
        try await API.withAPI { client, replica in
            #expect(try await importCSV(client, Self.csv).status == .ok)
            // Ana typed again at another desk (a new reference, the phone in another format), and a new person.
            let typedAgain = """
                Ref,First Name,lastName,email,phone,city
                B-1,ANA,Munoz,ana@example.com,312.555.0101,Chicago
                B-2,Dee,Park,dee@example.com,312-555-0199,Chicago

                """
            let report = try API.body(try await importCSV(client, typedAgain))
            #expect(report["customersCreated"] == .number(1) && report["customersMatched"] == .number(1) && report["alreadyImported"] == .number(0),
                    "\(report)")
            #expect(try replica.customerCount() == 3, "Ana once, Cy, Dee")
            // The attached row is named with the customer it duplicates: line 2 is Ana.
            let ana = try #require(try replica.searchCustomers("ana@example.com", limit: 1).first?.customer.id)
            guard case .array(let matched) = report["matched"], matched.count == 1, case .object(let row) = matched[0] else {
                Issue.record("matched: \(report)"); return
            }
            #expect(row["line"] == .number(2) && row["customerId"] == .string(ana.string))
        }
    }

    @Test func mistakesAnswerProblemsAndWriteNothing() async throws {
        try await API.withAPI { client, replica in
            let cases: [(String, String, String, HTTPResponse.Status)] = [
                ("x,y\n1,2\n", "", "text/csv", .badRequest),  // no column names a field
                (Self.csv, "?map=Ref%3Dnope", "text/csv", .badRequest),  // a mapping to no field
                (Self.csv, "?map=Ref", "text/csv", .badRequest),  // not column=field
                (Self.csv, "?dryRun=true", "text/csv", .badRequest),  // unknown parameter
                (Self.csv, "", "text/plain", .unsupportedMediaType),
                (Self.csv, "", "application/json", .unsupportedMediaType),  // not CSV: JSON Lines is application/x-ndjson
                (String(repeating: "a", count: (8 << 20) + 1), "", "text/csv", .contentTooLarge),
            ]
            for (body, query, type, status) in cases {
                let response = try await importCSV(client, body, query: query, contentType: type)
                #expect(response.status == status, "\(query) \(type): \(String(buffer: response.body))")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            // A Latin-1 body (not UTF-8): refused whole, the line named.
            let latin1 = try await client.execute(uri: "/api/crm/customers/import", method: .post, headers: [.contentType: "text/csv"],
                                                  body: ByteBuffer(bytes: Array("firstName,lastName\nAnn,Lee\nJos".utf8) + [0xE9] + Array(",Latin\n".utf8)))
            #expect(latin1.status == .badRequest && String(buffer: latin1.body).contains("line 3 is not UTF-8 text"), "\(String(buffer: latin1.body))")
            #expect(try replica.searchCustomers("stone", limit: 5).isEmpty && replica.searchCustomers("munoz", limit: 5).isEmpty)
            #expect(try replica.searchCustomers("lee", limit: 5).isEmpty)
        }
    }

    /// A JSON Lines body (`application/x-ndjson`): one `Customer` per line, every phone kept; bad
    /// lines are numbered from 1; the same body again writes nothing.
    @Test func aJSONLinesBodyImportsWholeCustomersAndIsRerunnable() async throws {
        try await API.withAPI { client, replica in
            let id = "5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f"
            let body = #"{"id":"\#(id)","firstName":"Ana","lastName":"Muñoz","phoneNumbers":[{"number":"+13125550101"},{"number":"+13125550109","type":"Home"}]}"#
                + "\n{\"firstName\":\"Bo\",\"email\":\"nope\"}\n"
            for type in ["application/x-ndjson", "application/jsonl; charset=utf-8"] {
                let response = try await importCSV(client, body, query: "", contentType: type)
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let report = try API.body(response)
                #expect(report["rejected"] == [["line": .number(2), "reason": "/email: expected an e-mail address"]])
                #expect(report["customersCreated"] == .number(type == "application/x-ndjson" ? 1 : 0), "\(report)")
            }
            let anaID = try #require(RowID(id))
            let ana = try #require(try replica.customer(id: anaID))
            #expect(ana.phones.count == 2)
            #expect(try await importCSV(client, body, query: "?map=a%3DfirstName", contentType: "application/x-ndjson").status == .badRequest)
        }
    }

    @Test func anotherSystemsKeysAreRejectedUntilTheSystemIsNamed() async throws {
        try await API.withAPI { client, replica in
            #expect(try await importCSV(client, Self.csv).status == .ok)
            // Another DMS numbering its customers A-1, A-2, … too.
            let other = """
                Ref,First Name,lastName,email
                A-1,Kai,Brandt,kai@example.com
                A-3,Lu,Ferro,lu@example.com

                """
            let rejected = try API.body(try await importCSV(client, other))
            #expect(rejected["customersCreated"] == .number(0) && rejected["alreadyImported"] == .number(0), "\(rejected)")
            guard case .array(let lines)? = rejected["rejected"] else { Issue.record("no rejected lines"); return }
            #expect(lines.count == 2 && lines.first?.objectValue?["line"] == .number(2))
            let named = try API.body(try await importCSV(client, other, query: "?map=Ref%3DexternalId&map=First%20Name%3DfirstName&externalSystem=dms-b"))
            #expect(named["customersCreated"] == .number(2) && named["rejected"] == [], "\(named)")
            #expect(try replica.searchCustomers("kai brandt", limit: 5).count == 1)
            // Blank, a control character, bytes that are not UTF-8, two systems: 400 problem+json, nothing imported.
            for bad in ["%20", "dms%0Ab", "dms%01", "dms%FF", "dms-a&externalSystem=dms-b"] {
                let refused = try await importCSV(client, other, query: "?map=Ref%3DexternalId&externalSystem=" + bad)
                #expect(refused.status == .badRequest && refused.headers[.contentType] == "application/problem+json", "\(bad)")
            }
            #expect(try replica.customerCount() == 4)
        }
    }
}
