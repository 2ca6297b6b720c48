import SwarmSimCore
import Testing

@testable import SwarmSimScenario

func parse(_ text: String) -> Command? {
    if case .success(let parsed) = CommandParser.parse(text) { return parsed.command }
    return nil
}

func failure(_ text: String) -> String? {
    if case .failure(let error) = CommandParser.parse(text) { return error.message }
    return nil
}

@Suite struct CommandTests {
    @Test func shellWords() throws {
        let join = #"docker swarm join 172.17.0.6:2377 --token $(ssh -o StrictHostKeyChecking=no 172.17.0.6 "docker swarm join-token -q worker")"#
        #expect(try ShellWords.split(join).get() == [
            "docker", "swarm", "join", "172.17.0.6:2377", "--token",
            #"$(ssh -o StrictHostKeyChecking=no 172.17.0.6 "docker swarm join-token -q worker")"#,
        ])
        #expect(try ShellWords.split(#"a 'b c' "d \"e\"" f\ g"#).get() == ["a", "b c", "d \"e\"", "f g"])
        #expect(try ShellWords.split(#"--format="{{.Endpoint.VirtualIPs}}""#).get() == ["--format={{.Endpoint.VirtualIPs}}"])
        #expect(try ShellWords.split("''").get() == [""])
        #expect(ShellWords.split("echo 'x").failureMessage == "unexpected EOF while looking for matching `''")
        #expect(ShellWords.split("curl a | grep b").failureMessage
            == "unsupported shell syntax near `|': a step runs one command, without pipes, lists or redirections")
    }

    @Test func seedTutorialLines() {
        #expect(parse("docker service create --name lbapp1 --replicas 2 -p 81:80 katacoda/docker-http-server")
            == .serviceCreate(ServiceCreate(
                name: "lbapp1", image: "katacoda/docker-http-server", replicas: 2, global: false,
                publish: [Publish(published: 81, target: 80, location: .wholeFile(""))], networks: [], endpointMode: .vip,
                constraints: [], env: [], detach: false, quiet: false, args: []
            )))
        #expect(parse("docker network create -d overlay eg1") == .networkCreate(NetworkCreate(
            name: "eg1", driver: .overlay, attachable: false, subnet: nil, gateway: nil, encrypted: false
        )))
        guard case .serviceCreate(let http)? = parse("docker service create --name http --network eg1 --replicas 2 katacoda/docker-http-server")
        else {
            Issue.record("not a service create")
            return
        }
        #expect(http.networks == ["eg1"])
        #expect(http.replicas == 2)
        for line in ["docker run --name=dig --network eg1 benhall/dig dig http", "docker run --network eg1 --name dig benhall/dig dig http"] {
            #expect(parse(line) == .run(DockerRun(
                name: "dig", network: "eg1", detach: false, remove: false, interactive: false, tty: false, env: [],
                image: "benhall/dig", args: ["dig", "http"]
            )))
        }
        #expect(parse(#"docker service inspect http --format="{{.Endpoint.VirtualIPs}}""#)
            == .serviceInspect(names: ["http"], format: "{{.Endpoint.VirtualIPs}}", pretty: false))
        guard case .serviceCreate(let redis)? = parse("docker service create --name redis --network app1-network redis:alpine"),
              case .serviceCreate(let web)? = parse("docker service create --name app1-web --network app1-network --replicas 4 -p 80:3000 katacoda/redis-node-docker-example")
        else {
            Issue.record("not service creates")
            return
        }
        #expect(redis.image == "redis:alpine")
        #expect(web.publish.map { [$0.published, $0.target] } == [[80, 3000]])
        #expect(parse(#"docker swarm join 172.17.0.6:2377 --token $(ssh -o StrictHostKeyChecking=no 172.17.0.6 "docker swarm join-token -q worker")"#)
            == .swarmJoin(address: "172.17.0.6", port: 2377,
                          token: #"$(ssh -o StrictHostKeyChecking=no 172.17.0.6 "docker swarm join-token -q worker")"#))
    }

    static let good: [(String, Command)] = [
        ("docker swarm init --advertise-addr 172.17.0.6", .swarmInit(advertiseAddr: "172.17.0.6", listenAddr: nil)),
        ("docker swarm leave -f", .swarmLeave(force: true)),
        ("docker swarm join-token -q worker", .swarmJoinToken(role: .worker, quiet: true, rotate: false)),
        ("docker node ls", .nodeLs(quiet: false)),
        ("docker node update --availability drain host02",
         .nodeUpdate(node: "host02", availability: .drain, role: nil, labelAdd: [])),
        ("docker network ls", .networkLs(quiet: false)),
        ("docker network inspect eg1", .networkInspect(names: ["eg1"], format: nil)),
        ("docker service scale lbapp1=5 http=1",
         .serviceScale([ServiceScale(service: "lbapp1", replicas: 5), ServiceScale(service: "http", replicas: 1)])),
        ("docker service rm lbapp1", .serviceRm(names: ["lbapp1"])),
        ("docker service ls", .serviceLs(quiet: false)),
        ("docker service ps lbapp1", .servicePs(names: ["lbapp1"], quiet: false, noTrunc: false)),
        ("docker ps -a", .ps(all: true, quiet: false)),
        ("docker inspect --format '{{.NetworkSettings.Networks.eg1.IPAddress}}' dig",
         .inspect(names: ["dig"], format: "{{.NetworkSettings.Networks.eg1.IPAddress}}")),
        ("sleep 2", .sleep(.seconds(2))), ("sleep 0.5", .sleep(.milliseconds(500))), ("sleep 250ms", .sleep(.milliseconds(250))),
        ("nslookup http", .nslookup(name: "http", server: nil, type: nil)),
    ]

    @Test(arguments: good) func parses(text: String, command: Command) {
        #expect(parse(text) == command)
    }

    @Test func publishForms() {
        guard case .serviceCreate(let c)? = parse(
            "docker service create -p 81:80/udp --publish published=8080,target=80,mode=host,protocol=udp -p80 nginx"
        ) else {
            Issue.record("not a service create")
            return
        }
        #expect(c.publish.map(\.published) == [81, 8080, nil])
        #expect(c.publish.map(\.protocol) == [.udp, .udp, .tcp])
        #expect(c.publish.map(\.mode) == [.ingress, .host, .ingress])
        guard case .serviceUpdate(let u)? = parse("docker service update --publish-add 82:80 --force --replicas=3 lbapp1") else {
            Issue.record("not a service update")
            return
        }
        #expect(u.replicas == 3 && u.force && u.publishAdd.map(\.published) == [82])
    }

    @Test func tools() {
        #expect(parse("curl -s -H 'Host: x' host01:81")
            == .curl(Curl(argv: ["curl", "-s", "-H", "Host: x", "host01:81"], urls: ["host01:81"], silent: true, headers: ["Host: x"])))
        #expect(parse("dig http") == .dig(Dig(argv: ["dig", "http"], name: "http", type: "A", server: nil, queryOptions: [])))
        #expect(parse("dig tasks.http +short")
            == .dig(Dig(argv: ["dig", "tasks.http", "+short"], name: "tasks.http", type: "A", server: nil, queryOptions: ["+short"])))
        guard case .ping(let p)? = parse("ping -c 3 http") else {
            Issue.record("not a ping")
            return
        }
        #expect(p.count == 3 && p.host == "http")
        #expect(parse("wget -qO- http://http") == .wget(Wget(argv: ["wget", "-qO-", "http://http"], url: "http://http", quiet: true, output: "-")))
    }

    static let bad: [(String, String)] = [
        ("docker service create", "\"docker service create\" requires at least 1 argument.\nSee 'docker service create --help'.\n\nUsage:  docker service create [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nCreate a new service"),
        ("docker service create --replicas two nginx", "invalid argument \"two\" for \"--replicas\" flag: strconv.ParseUint: parsing \"two\": invalid syntax\nSee 'docker service create --help'."),
        ("docker service create -x nginx", "unknown shorthand flag: 'x' in -x\nSee 'docker service create --help'."),
        ("docker service create --name", "flag needs an argument: --name\nSee 'docker service create --help'."),
        ("docker service create -p 81:80/sctp nginx", "invalid argument \"81:80/sctp\" for \"-p, --publish\" flag: invalid proto: sctp\nSee 'docker service create --help'."),
        ("docker network create", "\"docker network create\" requires exactly 1 argument.\nSee 'docker network create --help'.\n\nUsage:  docker network create [OPTIONS] NETWORK\n\nCreate a network"),
        ("docker swarm join-token boss", "unknown role boss"),
        ("docker service scale lbapp1", "Invalid scale specifier 'lbapp1'.\nSee 'docker service scale --help'.\n\nUsage:  docker service scale SERVICE=REPLICAS [SERVICE=REPLICAS...]\n\nScale one or multiple replicated services"),
        ("docker frobnicate", "docker: 'frobnicate' is not a docker command.\nSee 'docker --help'"),
        ("curl", "curl: no URL specified\ncurl: try 'curl --help' for more information"),
        ("ping", "ping: usage error: Destination address required"),
        ("sleep soon", "sleep: invalid time interval 'soon'\nTry 'sleep --help' for more information."),
        ("ls -l", "bash: ls: command not found (swarmsim runs docker, curl, dig, ping, nslookup, wget and sleep)"),
    ]

    @Test(arguments: bad) func refuses(text: String, message: String) {
        #expect(failure(text) == message)
    }
}

extension Result where Failure == ShellWords.SplitError {
    var failureMessage: String? {
        if case .failure(let error) = self { return error.message }
        return nil
    }
}
