import SwarmSimApps
import SwarmSimCore
import TestSupport
import Testing

/// The redis-node example app against server.js's output (github.com/katacoda/redis-node-docker).
@Suite struct RedisNodeAppTests {
    /// The bed's server namespace runs redis and the app; `redis` resolves to it.
    func bed() throws -> (AppTestBed, RedisServer, RedisNodeApp) {
        let bed = AppTestBed()
        bed.hosts.add("redis", Topologies.ip("10.0.0.1"))
        let redis = try RedisServer(namespace: bed.topology.a)
        let app = try RedisNodeApp.start(context: bed.server)
        return (bed, redis, app)
    }

    @Test func countsRequestsInRedisAndListsClients() throws {
        let (bed, redis, app) = try bed()
        _ = bed.curl("server:3000")
        let second = try #require(bed.curl("server:3000"))
        #expect(second == CommandResult(stdout: """
            This page was generated after talking to redis.

            Application Build: 1

            Total requests: 2

            IP count: 
                ::ffff:10.0.0.1: 2

            """, exitCode: 0))
        #expect(redis.keyspace.value("requests") == "2")
        #expect(app.requestsServed == 2)
        #expect(redis.commandsProcessed == 6)
    }

    @Test func responseIsNodesChunkedKeepAlive() throws {
        let (bed, redis, _) = try bed()
        let result = try #require(bed.curl("-i", "server:3000"))
        #expect(redis.commandsProcessed == 3)
        let head = result.stdout.components(separatedBy: "\r\n\r\n")[0]
        #expect(head == """
            HTTP/1.1 200 OK\r
            Content-Type: text/plain\r
            Date: Thu, 01 Jan 1970 00:00:00 GMT\r
            Connection: keep-alive\r
            Transfer-Encoding: chunked
            """)
    }

    @Test func requestsWaitForRedisAndRetryUntilItComes() throws {
        let bed = AppTestBed()
        bed.hosts.add("redis", Topologies.ip("10.0.0.2"))
        let app = try RedisNodeApp.start(context: bed.server)
        var result: CommandResult?
        Curl.run(arguments: ["-s", "server:3000"], context: bed.client) { result = $0 }
        bed.simulation.run(for: .seconds(1))
        #expect(result == nil)  // no redis yet: the request waits in node_redis' offline queue
        let redis = try RedisServer(namespace: bed.topology.b)
        bed.simulation.runUntilIdle()
        #expect(result?.stdout.contains("Total requests: 1\n") == true)
        #expect(redis.commandsProcessed == 3)
        #expect(app.requestsServed == 1)
    }
}
