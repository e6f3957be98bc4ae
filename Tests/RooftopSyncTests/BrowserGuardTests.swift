import Foundation
import Logging
import RooftopModel
import RooftopNode
import RooftopReplication
import RooftopStore
import RooftopSync
import RooftopTesting
import Testing

/// A hostile web page open in a staff browser must not reach the staff API (issue 9, item 9).
/// Before: a request with `Host: attacker.example` answered 200 with personal data (DNS rebinding),
/// and a cross-site `text/plain` POST erased a customer (202, spread group-wide). Raw HTTP/1.1 to a
/// running node, as a browser would send it.
@Suite(.serialized) struct BrowserGuardTests {
    struct Node {
        let cluster: TestCluster
        let replica: Replica
        let port: Int
        let task: Task<Void, any Error>

        init() async throws {
            cluster = try await TestCluster()
            replica = try cluster.replica("north")
            let configuration = NodeConfiguration(rooftop: RooftopID(rawValue: "north")!, hubURL: cluster.hubURL.absoluteString,
                                                  certificates: cluster.ca.directory.path, apiPort: 0)
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            var logger = Logger(label: "test.node")
            logger.logLevel = .critical
            let replica = replica
            task = Task { [logger] in
                try await NodeRunner.run(configuration: configuration, replica: replica, logger: logger, idleTimeout: .seconds(2)) { continuation.yield($0) }
            }
            var port = 0
            for await p in ports { port = p; break }
            self.port = port
        }

        /// Sends one request (closing the connection after it) and returns the status and the response text.
        func send(_ method: String, _ path: String, host: String? = nil, headers: [String] = [], body: String = "") async throws -> (Int, String) {
            var lines = ["\(method) \(path) HTTP/1.1", "Host: \(host ?? "127.0.0.1:\(port)")", "Connection: close"] + headers
            if !body.isEmpty { lines.append("Content-Length: \(body.utf8.count)") }
            let request = lines.joined(separator: "\r\n") + "\r\n\r\n" + body
            let (received, _) = try await HubRequestLimitsTests.rawExchange(TestCluster.Endpoint(host: "127.0.0.1", port: port), tls: nil,
                                                                            send: Array(request.utf8), timeout: .seconds(10))
            let text = String(decoding: received, as: UTF8.self)
            let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
            return (status, text)
        }

        func stop() async {
            task.cancel()
            _ = try? await task.value
            await cluster.shutdown()
        }
    }

    @Test func anotherSitesHostNameIsRefusedWithoutPersonalData() async throws {
        let node = try await Node()
        let id = try node.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry"), "email": .text("ana@example.com")]))
        let (status, text) = try await node.send("GET", "/api/crm/customers/\(id)", host: "attacker.example:\(node.port)")
        #expect(status == 421)
        #expect(text.lowercased().contains("content-type: application/problem+json"))
        #expect(text.contains("\"code\":\"HOST_NOT_ALLOWED\""))
        #expect(!text.contains("Berry") && !text.contains("ana@example.com"))
        // The node's own names work, as curl and the CLI send them.
        for host in ["127.0.0.1:\(node.port)", "localhost:\(node.port)", "LOCALHOST"] {
            #expect(try await node.send("GET", "/api/crm/customers/\(id)", host: host).0 == 200, "\(host)")
        }
        await node.stop()
    }

    @Test func aCrossSiteFormPostCannotEraseACustomer() async throws {
        let node = try await Node()
        let id = try node.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        // An HTML form on another site: text/plain body, the browser adds Origin and Sec-Fetch-Site.
        let form = try await node.send("POST", "/api/crm/customers/\(id)/erase",
                                       headers: ["Origin: http://attacker.example", "Sec-Fetch-Site: cross-site", "Content-Type: text/plain"], body: "x=1")
        #expect(form.0 == 403 && form.1.contains("\"code\":\"CROSS_ORIGIN\""))
        // Even without Origin headers (an old browser), a text/plain body is refused.
        let plain = try await node.send("POST", "/api/crm/customers/\(id)/erase", headers: ["Content-Type: text/plain"], body: "x=1")
        #expect(plain.0 == 415 && plain.1.contains("\"code\":\"UNSUPPORTED_MEDIA_TYPE\""))
        #expect(plain.1.contains("must be application/json, not Content-Type text/plain"), "\(plain.1)")
        let noType = try await node.send("POST", "/api/crm/customers", body: "{\"lastName\":\"Smith\"}")
        #expect(noType.0 == 415)
        // An ADF post without Content-Type: the 415 names the types that endpoint takes.
        let adf = try await node.send("POST", "/api/crm/leads/adf", body: "<adf/>")
        #expect(adf.0 == 415 && adf.1.contains("application/xml") && adf.1.contains("text/plain"))
        // A page of another origin deleting: refused.
        let delete = try await node.send("DELETE", "/api/crm/customers/\(id)", headers: ["Origin: http://localhost:9999"])
        #expect(delete.0 == 403)
        #expect(try node.replica.customer(id: id) != nil)  // nothing was erased or deleted
        #expect(try node.replica.erasures().isEmpty)
        await node.stop()
    }

    @Test func theNodesOwnPagesAndToolsStillWrite() async throws {
        let node = try await Node()
        let json = ["Content-Type: application/json; charset=utf-8"]
        // Same origin (a page served by this node), and a tool without Origin (curl, scripts).
        let sameOrigin = try await node.send("POST", "/api/crm/customers", headers: json + ["Origin: http://127.0.0.1:\(node.port)", "Sec-Fetch-Site: same-origin"],
                                             body: "{\"lastName\":\"Smith\"}")
        #expect(sameOrigin.0 == 201, "\(sameOrigin.1.prefix(300))")
        let tool = try await node.send("POST", "/api/crm/customers", headers: json, body: "{\"lastName\":\"Jones\"}")
        #expect(tool.0 == 201)
        let id = try #require(try node.replica.customers(limit: 10).first { $0.customer["lastName"] == .text("Jones") }?.customer.id)
        let patch = try await node.send("PATCH", "/api/crm/customers/\(id)", headers: ["Content-Type: application/merge-patch+json"], body: "{\"notes\":\"x\"}")
        #expect(patch.0 == 200)
        let erase = try await node.send("POST", "/api/crm/customers/\(id)/erase")  // no body, no media type needed
        #expect(erase.0 == 202)
        await node.stop()
    }
}
