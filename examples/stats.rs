use careshape::Simulation;
fn main() {
    let s = careshape::load_scenario(std::path::Path::new("scenarios/camden/status-quo.toml")).unwrap();
    let mut sim = Simulation::new(&s, 1, 0);
    let mut pool = 0usize;
    let mut n = 0;
    while !sim.finished() {
        sim.step();
        pool += sim.world.pool.len();
        n += 1;
    }
    let w = &sim.world;
    println!(
        "clients {} active {} queue {} workers {} pool_mean {} providers {} active_p {}",
        w.clients.len(),
        w.active_clients.len(),
        w.queue.len(),
        w.workers.len(),
        pool / n,
        w.providers.len(),
        w.active_provider_ids().count()
    );
    let emp = w.workers.iter().filter(|x| x.status == careshape::model::WorkerStatus::Employed).count();
    println!(
        "employed {emp} client size {} worker size {} provider size {}",
        std::mem::size_of::<careshape::model::Client>(),
        std::mem::size_of::<careshape::model::CareWorker>(),
        std::mem::size_of::<careshape::model::Provider>()
    );
}
