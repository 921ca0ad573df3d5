use careshape::{Scenario, Simulation};
fn main() {
    let pid: usize = std::env::args().nth(1).map(|s| s.parse().unwrap()).unwrap_or(3);
    let mut sim = Simulation::new(&Scenario::default(), 1, 0);
    while !sim.finished() {
        sim.step();
        let w = &sim.world;
        if pid >= w.providers.len() {
            continue;
        }
        let p = &w.providers[pid];
        if w.week % 4 == 0 && p.active {
            let a = &p.accounts;
            let clients: u32 = p.council_clients.iter().sum();
            println!(
                "wk{:4} cl {:3} heads {:3} tgt {:3} fill {:.2} wage {:.2} rev {:7.0} council {:7.0} sf {:6.0} wages {:7.0} oncost {:6.0} admin {:5.0} over {:5.0} train {:4.0} recr {:5.0} mile {:4.0} cash {:8.0} margin {:.3} contact {:6.0} committed {:6.0} cap {:6.0}",
                w.week,
                clients,
                p.workers.len(),
                p.hiring_target,
                p.fill,
                p.wage,
                a.revenue(),
                a.council_revenue,
                a.self_funder_revenue,
                a.wage_bill,
                a.on_costs,
                a.admin,
                a.overhead,
                a.training,
                a.recruitment,
                a.mileage,
                p.cash,
                p.margin,
                p.contact_hours_week,
                p.committed_time,
                p.capacity_time
            );
        }
    }
}
