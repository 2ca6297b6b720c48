import SwarmSimScenario
import Testing

@Suite struct TextFilterTests {
    let dockerPS = """
        CONTAINER ID   IMAGE                                COMMAND   CREATED   STATUS   PORTS    NAMES
        1890d08df8cc   katacoda/docker-http-server:latest   "/app"    7 min     Up       80/tcp   http.2.j5c4ari06egpy3zqw6b0n3iyl
        06f131fda216   redis:alpine                         "redis"   27 s      Up       6379/tcp redis.1.mq95cigfa7etgefqs1pye9crv
        77aa131fda21   katacoda/docker-http-server:latest   "/app"    7 min     Up       80/tcp   http.1.abcdefghijklmnopqrstuvwxy

        """

    @Test func theTutorialPipelinePicksTheFirstContainerID() throws {
        var text = try TextFilter.apply(["grep", "docker-http-server"], to: dockerPS)
        text = try TextFilter.apply(["head", "-n1"], to: text)
        text = try TextFilter.apply(["awk", "{print $1}"], to: text)
        #expect(text == "1890d08df8cc\n")
    }

    @Test func filters() throws {
        #expect(try TextFilter.apply(["grep", "-v", "http"], to: dockerPS).contains("redis:alpine"))
        #expect(try TextFilter.apply(["grep", "-i", "REDIS"], to: dockerPS).hasPrefix("06f131fda216"))
        #expect(try TextFilter.apply(["grep", "-F", "a.b"], to: "axb\na.b\n") == "a.b\n")
    }

    @Test func headTailWcSortUniq() throws {
        let input = "b\na\na\nc\n"
        #expect(try TextFilter.apply(["head", "-2"], to: input) == "b\na\n")
        #expect(try TextFilter.apply(["tail", "-n", "1"], to: input) == "c\n")
        #expect(try TextFilter.apply(["wc", "-l"], to: input) == "4\n")
        #expect(try TextFilter.apply(["sort"], to: input) == "a\na\nb\nc\n")
        #expect(try TextFilter.apply(["uniq"], to: input) == "b\na\nc\n")
        #expect(try TextFilter.apply(["awk", "{print $2, $1}"], to: "x y\n") == "y x\n")
    }

    @Test(arguments: [["sed", "s/a/b/"], ["awk", "{sum += $1}"], ["head", "-n", "x"], ["wc", "-c"], ["grep"]])
    func unsupportedFiltersAreErrors(argv: [String]) {
        #expect(throws: TextFilter.Unsupported.self) { try TextFilter.apply(argv, to: "a\n") }
    }
}
