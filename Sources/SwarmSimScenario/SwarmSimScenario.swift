/// Scenario files and their replay: the YAML schema with located errors, the docker/curl/dig
/// command lines, the timeline of steps, expectations, the report and the run's output folder.
public enum SwarmSimScenario {}
