from workshops.models import County, State, System


def test_it_seeds_the_13_systems(db):
    assert System.objects.count() == 13
    assert set(System.objects.filter(is_voice=True).values_list("name", flat=True)) == {
        "Caregivers",
        "Youth",
    }


def test_it_seeds_the_62_new_york_counties(db):
    new_york = State.objects.get(code="NY")
    counties = County.objects.filter(state=new_york)
    assert counties.count() == 62
    assert counties.get(name="Albany").fips == "36001"
    assert counties.get(name="St. Lawrence").fips == "36089"
    assert counties.get(name="Yates").fips == "36123"
